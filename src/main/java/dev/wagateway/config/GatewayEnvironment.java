package dev.wagateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
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
 * default set packaged in the jar.</li>
 * </ul>
 * Explicit {@code spring.datasource.url} or {@code camel.main.routes-include-pattern} settings win.
 */
public class GatewayEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String H2_OPTIONS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    /** The property source of the contract's environment variables (environment-aliases.properties). */
    static final String ALIASES = "gatewayEnvironmentAliases";
    /** The property source Spring Boot names the packaged application.yml by. */
    private static final String PACKAGED_YML = "class path resource [application.yml]";

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
