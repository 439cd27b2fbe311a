package dev.wagateway.config;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * The fast start's Spring AOT context (pom.xml, process-aot; docs/operating.md, "Starting fast"). The build makes
 * the bean definitions once, so a start that asks for them ({@code -Dspring.aot.enabled=true}, which tools/gateway
 * passes) skips parsing the configuration classes and evaluating the auto-configurations' conditions: a third of
 * the start's main thread.
 * <p>
 * What those conditions found is then the build's, not the start's. So the build runs with tracing off and the
 * gateway's own beans read their settings at run time instead of sitting behind conditions; the one setting that
 * still switches auto-configurations, tracing (Spring Boot's tracer and OTLP exporter, {@link
 * GatewayEnvironment.TracingSwitch}), makes a start that asked for AOT make its context the regular way instead.
 */
final class SpringAot {

    /** What Spring reads to use the generated context ({@code AotDetector.AOT_ENABLED}). */
    static final String ENABLED = "spring.aot.enabled";
    /** Set while the build generates it ({@code AbstractAotProcessor.AOT_PROCESSING}). */
    static final String PROCESSING = "spring.aot.processing";

    private SpringAot() {
    }

    /** The build's AOT processing is running: the environment's conditions become the generated context's. */
    static boolean processing() {
        return Boolean.getBoolean(PROCESSING);
    }

    /**
     * For a start that asked for the generated context: why it may not use it (null: it may). Read after the
     * environment is prepared and before Spring creates the context, the last moment Spring reads the flag.
     */
    static String refusal(ConfigurableEnvironment env, Class<?> mainClass) {
        if (mainClass == null || !ClassUtils.isPresent(mainClass.getName() + "__ApplicationContextInitializer",
                mainClass.getClassLoader())) {
            return "this build has no AOT-processed context";
        }
        if (GatewayEnvironment.TracingSwitch.on(env)) {
            return "tracing is on (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) and the AOT-processed context was built without it";
        }
        return null;
    }

    /** Turns the generated context off for this start when {@link #refusal} says so, with one log line. */
    static void decide(ConfigurableEnvironment env, SpringApplication application, Log log) {
        if (!Boolean.getBoolean(ENABLED)) {
            return;
        }
        String refusal = refusal(env, application.getMainApplicationClass());
        if (refusal != null) {
            System.setProperty(ENABLED, "false");
            log.info("Spring AOT off for this start: " + refusal + "; the context is made at run time (a slower start)");
        }
    }
}
