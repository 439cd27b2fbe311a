package dev.wagateway.routes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.SimpleBeanDefinitionRegistry;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.io.Resource;
import org.springframework.core.type.MethodMetadata;
import org.springframework.stereotype.Component;

import dev.wagateway.intake.EventArchiver;

/**
 * What the Java side of the gateway gives the routes and expects of them: the one place the route checker learns
 * it from. Derived from the code, not listed by hand, so it cannot drift:
 * <ul>
 * <li><b>beans</b> a route may name ({@code bean: ref:}, {@code process: ref:}, {@code bean:} URIs): every
 * {@code @Bean} method of every {@code @Configuration} class of the gateway (each package has its own:
 * StoreConfiguration, IntakeConfiguration, ...), by its bean name, plus the {@code @Component}s themselves; read from the compiled classes of the gateway only
 * (not from tests or libraries), without starting Spring;</li>
 * <li><b>endpoints Java sends to</b>, which some route must consume: {@link EventArchiver#ROUTE} (every stored
 * event). The outbox workers' {@code direct:deliver-<output>} depend on the configured outputs and are consumed by
 * the route templates of routes/outputs.yaml or an engineer's own route (docs/routes.md, "Add an output in YAML");</li>
 * <li><b>endpoints consumed at run time</b>, which routes may send to although no route file has them as a literal
 * {@code from:}: the routes the gateway creates from templates ({@code OutputRoutes}: {@code direct:deliver-<name>}
 * from {@code routeTemplate}s). These are derived from the templates' {@code from} URIs in the files checked,
 * each {@code {{parameter}}} standing for any text (see {@link RoutesValidator}).</li>
 * </ul>
 */
public final class JavaSide {

    /** Endpoints the Java code sends to; a route set without a consumer for each loses events. */
    public static final List<String> REQUIRED_CONSUMERS = List.of(EventArchiver.ROUTE);

    /** What each required endpoint is for, for the message when nothing consumes it. */
    static final Map<String, String> REQUIRED_BECAUSE = Map.of(
            EventArchiver.ROUTE, "the gateway sends every stored event there (router.yaml's route-event)");

    private static volatile Set<String> beans;

    private JavaSide() {
    }

    /** The names of the beans the gateway defines, found in its compiled classes without starting Spring. */
    public static Set<String> beanNames() {
        Set<String> b = beans;
        if (b == null) {
            beans = b = scanBeanNames();
        }
        return b;
    }

    private static Set<String> scanBeanNames() {
        String basePackage = JavaSide.class.getPackageName().substring(0, JavaSide.class.getPackageName().lastIndexOf('.'));
        String ownRoot = classesRoot();
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new org.springframework.core.type.filter.AnnotationTypeFilter(Component.class));
        SimpleBeanDefinitionRegistry registry = new SimpleBeanDefinitionRegistry();
        Set<String> names = new TreeSet<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
            if (!(candidate instanceof AnnotatedBeanDefinition annotated) || !fromGateway(candidate, ownRoot)) {
                continue;
            }
            names.add(AnnotationBeanNameGenerator.INSTANCE.generateBeanName(candidate, registry));
            for (MethodMetadata method : annotated.getMetadata().getAnnotatedMethods(Bean.class.getName())) {
                MergedAnnotation<Bean> bean = method.getAnnotations().get(Bean.class);
                String[] declared = bean.getStringArray("name");
                if (declared.length == 0) {
                    names.add(method.getMethodName());
                } else {
                    names.addAll(List.of(declared));
                }
            }
        }
        return Set.copyOf(names);
    }

    /** Where the gateway's own classes are (target/classes, or BOOT-INF/classes in the jar): tests are elsewhere. */
    private static String classesRoot() {
        String self = JavaSide.class.getName().replace('.', '/') + ".class";
        URL url = JavaSide.class.getClassLoader().getResource(self);
        if (url == null) {
            throw new IllegalStateException("cannot find " + self + " on the classpath");
        }
        String s = url.toString();
        return s.substring(0, s.length() - self.length());
    }

    private static boolean fromGateway(BeanDefinition candidate, String ownRoot) {
        Object source = candidate.getSource();
        if (!(source instanceof Resource resource)) {
            return true;
        }
        try {
            return resource.getURL().toString().startsWith(ownRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
