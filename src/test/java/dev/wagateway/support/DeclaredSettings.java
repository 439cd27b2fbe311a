package dev.wagateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.Yaml;

import dev.wagateway.config.EnvironmentAliases;
import dev.wagateway.config.GatewayEnvironment;
import dev.wagateway.outputs.Outputs;

/**
 * Where a setting is declared, for the tests that check docs and deploy files against it: its environment variable
 * (environment-aliases.properties), its default (the field's, from the configuration metadata or the field itself;
 * for Spring's and Camel's settings application.yml's value where the gateway changes it, else the framework's
 * metadata), and an environment built as the application builds it.
 */
public final class DeclaredSettings {

    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    /** gateway.outputs.http.default.url: an entry of one of the outputs' maps (Outputs.Http, Outputs.Custom). */
    private static final Pattern MAP_ENTRY = Pattern.compile("^gateway\\.outputs\\.(http|custom)\\.[^.<>]+\\.([a-z0-9-]+)$");

    private static Map<String, JsonNode> gateway;
    private static Map<String, JsonNode> framework;

    private DeclaredSettings() {
    }

    /** Variable name to property, in the table's order. */
    public static Map<String, String> aliases() {
        return EnvironmentAliases.load();
    }

    /** The variable that sets a property. */
    public static String variableOf(String property) {
        return aliases().entrySet().stream().filter(e -> e.getValue().equals(property)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError(property + " has no environment variable"));
    }

    /** Every gateway.* key of the generated metadata, by name. */
    public static synchronized Map<String, JsonNode> gatewayMetadata() {
        if (gateway == null) {
            try (InputStream in = DeclaredSettings.class.getResourceAsStream("/" + METADATA)) {
                if (in == null) {
                    throw new IllegalStateException("no configuration metadata on the classpath: build with the processor");
                }
                gateway = properties(in, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return gateway;
    }

    /** Every key of Spring's, Camel's and the other libraries' metadata on the classpath. */
    public static synchronized Map<String, JsonNode> frameworkMetadata() {
        if (framework == null) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            try {
                Enumeration<URL> all = DeclaredSettings.class.getClassLoader().getResources(METADATA);
                while (all.hasMoreElements()) {
                    try (InputStream in = all.nextElement().openStream()) {
                        properties(in, false).forEach(out::putIfAbsent);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            framework = out;
        }
        return framework;
    }

    private static Map<String, JsonNode> properties(InputStream in, boolean gatewayOnly) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        new ObjectMapper().readTree(in).path("properties").forEach(p -> {
            String name = p.path("name").asText();
            if (name.startsWith("gateway.") == gatewayOnly) {
                out.put(name, p);
            }
        });
        return out;
    }

    /** application.yml's plain values, by dotted key. */
    public static Map<String, Object> applicationYml() {
        try (InputStream in = DeclaredSettings.class.getResourceAsStream("/application.yml")) {
            Map<String, Object> out = new LinkedHashMap<>();
            flatten("", new Yaml().load(in), out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
        tree.forEach((k, v) -> {
            String key = prefix.isEmpty() ? k : prefix + "." + k;
            if (v instanceof Map<?, ?> m) {
                flatten(key, (Map<String, Object>) m, out);
            } else {
                out.put(key, v);
            }
        });
    }

    /** A setting the application knows: the gateway's (its metadata or an output map's entry), Spring's or Camel's. */
    public static boolean known(String property) {
        return gatewayMetadata().containsKey(property) || mapEntryField(property).isPresent()
                || frameworkMetadata().containsKey(property);
    }

    /**
     * A property's default, as text: application.yml's value, else the gateway field's (from the metadata, else read
     * from the field), else the framework's metadata; null when there is none.
     */
    public static String defaultOf(String property) {
        Object yml = applicationYml().get(property);
        if (yml != null) {
            return String.valueOf(yml);
        }
        JsonNode gatewayEntry = gatewayMetadata().get(property);
        String declared = text(gatewayEntry == null ? null : gatewayEntry.get("defaultValue"));
        if (declared != null) {
            return declared;
        }
        if (gatewayEntry != null) {
            return fieldDefault(gatewayEntry.path("sourceType").asText(), last(property));
        }
        Optional<Class<?>> entry = mapEntryField(property);
        if (entry.isPresent()) {
            return fieldDefault(entry.get().getName(), last(property));
        }
        JsonNode frameworkEntry = frameworkMetadata().get(property);
        return text(frameworkEntry == null ? null : frameworkEntry.get("defaultValue"));
    }

    /** A default as text: a list's items joined with commas. */
    private static String text(JsonNode d) {
        if (d == null || d.isNull()) {
            return null;
        }
        if (d.isArray()) {
            List<String> items = new ArrayList<>();
            d.forEach(i -> items.add(i.asText()));
            return String.join(",", items);
        }
        return d.asText();
    }

    /** The Outputs class a map entry's setting belongs to, when the setting is one of its fields. */
    private static Optional<Class<?>> mapEntryField(String property) {
        Matcher m = MAP_ENTRY.matcher(property);
        if (!m.matches()) {
            return Optional.empty();
        }
        Class<?> type = m.group(1).equals("http") ? Outputs.Http.class : Outputs.Custom.class;
        return field(type, camel(m.group(2))).map(f -> type);
    }

    /** The value a settings class's field starts with (the metadata cannot say a computed one, such as a list). */
    private static String fieldDefault(String className, String kebabName) {
        try {
            Class<?> type = Class.forName(className);
            Field f = field(type, camel(kebabName)).orElse(null);
            if (f == null || Modifier.isAbstract(type.getModifiers())) {
                return null;
            }
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            f.setAccessible(true);
            Object v = f.get(constructor.newInstance());
            if (v == null || (v instanceof Collection<?> c && c.isEmpty())) {
                return null;
            }
            if (v instanceof Collection<?> c) {
                return String.join(",", c.stream().map(String::valueOf).toList());
            }
            return v instanceof Duration d ? DurationStyle.SIMPLE.print(d) : String.valueOf(v);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the default of " + className + "." + kebabName, e);
        }
    }

    private static Optional<Field> field(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals(name) && !Modifier.isStatic(f.getModifiers())) {
                    return Optional.of(f);
                }
            }
        }
        return Optional.empty();
    }

    private static String last(String property) {
        return property.substring(property.lastIndexOf('.') + 1);
    }

    private static String camel(String kebab) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char ch : kebab.toCharArray()) {
            if (ch == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return out.toString();
    }

    /**
     * The environment the application starts with, given these process environment variables and command-line
     * arguments: the config files as Spring Boot loads them (the packaged application.yml and the tests'
     * config/application.properties) and what config.GatewayEnvironment adds, the aliases among it.
     */
    public static StandardEnvironment environment(Map<String, Object> variables, String... args) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        if (args.length > 0) {
            env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        }
        ConfigDataEnvironmentPostProcessor.applyTo(env);
        new GatewayEnvironment(Supplier::get).postProcessEnvironment(env, new SpringApplication());
        return env;
    }
}
