package dev.wagateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Derives the settings that depend on what is there at start-up, before any bean is made:
 * <ul>
 * <li>the properties the contract's environment variables set ({@link EnvironmentAliases},
 * environment-aliases.properties): {@code RATE_LIMIT_PER_MINUTE=200} sets {@code gateway.rate-limit.per-minute};</li>
 * <li>the datasource from {@code DATABASE_URL} (postgresql:// or jdbc:), or an H2 file database under
 * {@code gateway.data-dir} when it is unset, so a first run needs nothing installed;</li>
 * <li>where the YAML routes are read from: {@code ROUTES_DIR}, else {@code ./routes} when it exists, else the
 * default set packaged in the jar;</li>
 * <li>tracing: off unless an OTLP endpoint is set ({@link TracingSwitch});</li>
 * <li>whether a start that asked for the build's AOT-processed context may use it ({@link SpringAot}).</li>
 * </ul>
 * Explicit {@code spring.datasource.url} or {@code camel.main.routes-include-pattern} settings win.
 */
public class GatewayEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    /** The property source of the contract's environment variables (environment-aliases.properties). */
    static final String ALIASES = "gatewayEnvironmentAliases";
    /** The property source Spring Boot names the packaged application.yml by. */
    private static final String PACKAGED_YML = "class path resource [application.yml]";

    private final Log log;

    /** The one constructor Spring Boot calls (a second would make it call the no-argument one): logs deferred. */
    public GatewayEnvironment(DeferredLogFactory logs) {
        this.log = logs.getLog(GatewayEnvironment.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        addAliases(env);
        Map<String, Object> derived = new HashMap<>();

        if (!env.containsProperty("spring.datasource.url")) {
            String databaseUrl = env.getProperty("DATABASE_URL", env.getProperty("gateway.database-url", ""));
            if (!databaseUrl.isBlank()) {
                DatabaseUrl parsed = DatabaseUrl.parse(databaseUrl);
                derived.put("spring.datasource.url", parsed.jdbcUrl());
                if (parsed.username() != null) {
                    derived.put("spring.datasource.username", parsed.username());
                }
                if (parsed.password() != null) {
                    derived.put("spring.datasource.password", parsed.password());
                }
            } else {
                Path dataDir = Path.of(env.getProperty("gateway.data-dir", env.getProperty("DATA_DIR", "./data")));
                derived.put("spring.datasource.url",
                        "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("whatsapp-gateway") + H2_OPTIONS);
                derived.put("spring.datasource.username", "sa");
                derived.put("spring.datasource.password", "");
            }
        }

        if (!env.containsProperty("camel.main.routes-include-pattern")) {
            String routesDir = env.getProperty("ROUTES_DIR", env.getProperty("gateway.routes-dir", ""));
            String pattern;
            if (!routesDir.isBlank()) {
                pattern = "file:" + Path.of(routesDir).toAbsolutePath().normalize() + "/*.yaml";
            } else if (Files.isDirectory(Path.of("routes"))) {
                pattern = "file:routes/*.yaml";
            } else {
                pattern = "classpath:routes/*.yaml";
            }
            derived.put("camel.main.routes-include-pattern", pattern);
        }

        env.getPropertySources().addLast(new MapPropertySource("gatewayDerived", derived));
        env.getPropertySources().addLast(new SqlDialectSource(env));
        env.getPropertySources().addFirst(new TracingSwitch(env));
        SpringAot.decide(env, application, log);
    }

    /**
     * Tracing is off unless {@code management.otlp.tracing.endpoint} (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set:
     * then Spring Boot's OpenTelemetry tracer, its OTLP exporter and the exemplars are not configured at all, so the
     * default path runs exactly as without tracing (no tracer on the observations, no span per request). Spring
     * Boot alone would still make a tracer that samples a tenth of the requests and exports them nowhere.
     * <p>
     * Log lines then have no trace id column either. Read when Spring Boot reads its exclusions (the context's
     * refresh), not here: test and command-line settings
     * added after the environment was prepared count too. An explicit {@code spring.autoconfigure.exclude} is kept
     * and these are added to it.
     */
    static final class TracingSwitch extends EnumerablePropertySource<Object> {
        static final String EXCLUDE = "spring.autoconfigure.exclude";
        static final String ENDPOINT = "management.otlp.tracing.endpoint";
        /** Spring Boot's log lines keep a (blank) column for trace ids whenever a tracer could exist; not when off. */
        static final String LOG_CORRELATION = "logging.expect-correlation-id";
        private static final String[] NAMES = {EXCLUDE, LOG_CORRELATION};
        /** What makes and exports spans; NoopTracerAutoConfiguration too, so no Tracer bean exists at all. */
        static final String OFF = String.join(",",
                "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.logging.OpenTelemetryLoggingAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.tracing.otlp.OtlpTracingAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.tracing.prometheus.PrometheusExemplarsAutoConfiguration");

        private final ConfigurableEnvironment env;

        TracingSwitch(ConfigurableEnvironment env) {
            super("gatewayTracingSwitch", new Object());
            this.env = env;
        }

        /**
         * Whether spans are made and exported: an OTLP endpoint is set. Never while the build makes the AOT context,
         * whatever the build machine's environment: that context is the one without tracing.
         */
        static boolean on(ConfigurableEnvironment env) {
            return !SpringAot.processing() && !env.getProperty(ENDPOINT, "").isBlank();
        }

        @Override
        public String[] getPropertyNames() {
            return NAMES.clone();
        }

        @Override
        public Object getProperty(String name) {
            if (!(EXCLUDE.equals(name) || LOG_CORRELATION.equals(name)) || on(env)) {
                // On: whatever the other sources say (null lets the lookup go on to them).
                return null;
            }
            if (LOG_CORRELATION.equals(name)) {
                return "false";
            }
            String explicit = null;
            for (PropertySource<?> source : env.getPropertySources()) {
                // Not this one, nor Spring Boot's view of all of them (which would ask this one again).
                if (source != this && !ConfigurationPropertySources.isAttachedConfigurationPropertySource(source)
                        && source.containsProperty(EXCLUDE)) {
                    explicit = String.valueOf(source.getProperty(EXCLUDE));
                    break;
                }
            }
            return explicit == null || explicit.isBlank() ? OFF : explicit + "," + OFF;
        }
    }

    /**
     * Each alias whose variable is set, as its property, just above the packaged application.yml: where the
     * {@code key: ${NAME:default}} placeholders this replaces were resolved. So whatever set the property itself before
     * still wins over the alias (command line, system properties, relaxed environment names such as
     * {@code GATEWAY_RATE_LIMIT_PER_MINUTE}, config/application.yml beside the jar, profile files, a test's
     * properties), the alias wins over application.yml's own value, and the variable is read from the whole
     * environment as the placeholder was ({@code --RATE_LIMIT_PER_MINUTE=5} works too). Read once, here.
     */
    private static void addAliases(ConfigurableEnvironment env) {
        Map<String, Object> aliased = new LinkedHashMap<>();
        EnvironmentAliases.load().forEach((name, property) -> {
            String value = env.getProperty(name);
            if (value != null) {
                aliased.put(property, value);
            }
        });
        MapPropertySource source = new MapPropertySource(ALIASES, aliased);
        String packaged = null;
        for (PropertySource<?> s : env.getPropertySources()) {
            if (s.getName().contains(PACKAGED_YML)) {
                packaged = s.getName();
            }
        }
        if (packaged != null) {
            env.getPropertySources().addBefore(packaged, source);
        } else {
            // spring.config.location replaced the packaged file: below whatever configuration there is.
            env.getPropertySources().addLast(source);
        }
    }

    /**
     * {@code gateway.sql-dialect} (postgresql or h2), from the datasource URL in force when it is read, so routes
     * can pick dialect-specific SQL ({@code sql:classpath:sql/{{gateway.sql-dialect}}/...}).
     */
    static final class SqlDialectSource extends EnumerablePropertySource<Object> {
        private static final String[] NAMES = {"gateway.sql-dialect"};

        // Not the source object: Spring walks into a source that is itself an environment, and would loop.
        private final ConfigurableEnvironment env;

        SqlDialectSource(ConfigurableEnvironment env) {
            super("gatewaySqlDialect", new Object());
            this.env = env;
        }

        @Override
        public String[] getPropertyNames() {
            // Enumerable, so Spring's binder never has to probe this source for every name it looks up.
            return NAMES.clone();
        }

        @Override
        public Object getProperty(String name) {
            if (!"gateway.sql-dialect".equals(name)) {
                return null;
            }
            return env.getProperty("spring.datasource.url", "").startsWith("jdbc:h2:") ? "h2" : "postgresql";
        }
    }

    @Override
    public int getOrder() {
        // After application.yml and the environment are loaded, so both can be read here.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
