package dev.wagateway.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.springframework.boot.SpringApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Fresh databases on the real PostgreSQL server the tests run against ({@code -Dtest.postgres.url}, default
 * 127.0.0.1:5432, user postgres). There is no skip: when PostgreSQL is not there, these tests fail.
 */
public final class TestPostgres {

    public static final String SERVER_URL = System.getProperty("test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/postgres");
    public static final String USER = System.getProperty("test.postgres.user", "postgres");
    public static final String PASSWORD = System.getProperty("test.postgres.password", "");

    private TestPostgres() {
    }

    /**
     * Creates an empty database, dropped again when the test JVM exits; returns its JDBC URL. The drop is a Spring
     * Boot shutdown handler, not a JVM shutdown hook of its own: handlers run after every application context has
     * closed, whereas hooks run side by side, and a database dropped under the cached contexts still closing made
     * each of them retry its connections for seconds (over 30 s at the end of a whole run, until Failsafe killed
     * the JVM).
     */
    public static String createDatabase(String purpose) {
        return urlOf(create(purpose, null));
    }

    /**
     * Creates a database already migrated to the latest schema, copied from a template migrated once per test JVM:
     * a copy of the few empty tables costs a fraction of running the migrations again, which every one of the
     * fifty-odd application contexts of a build did. The gateway's Flyway then only validates, as on a restart.
     */
    public static String createMigratedDatabase(String purpose) {
        return urlOf(create(purpose, migratedTemplate()));
    }

    /** A new database (a copy of {@code template}, or empty when null), dropped at exit; returns its name. */
    private static String create(String purpose, String template) {
        String name = ("wagw_" + purpose + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
        try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template));
        } catch (SQLException e) {
            throw new IllegalStateException(template == null
                    ? "PostgreSQL is required for this test and is not reachable at " + SERVER_URL
                            + " (start it: pg_ctlcluster --skip-systemctl-redirect <version> main start)"
                    : "could not copy the migrated template database " + template, e);
        }
        SpringApplication.getShutdownHandlers().add(() -> drop(name));
        return name;
    }

    private static String template;

    private static synchronized String migratedTemplate() {
        if (template == null) {
            String name = create("template", null);
            // The locations the gateway's Flyway reads on PostgreSQL (application.yml: common + {vendor}).
            Flyway.configure().dataSource(urlOf(name), USER, PASSWORD)
                    .locations("classpath:db/migration/common", "classpath:db/migration/postgresql")
                    .load().migrate();
            template = name;
        }
        return template;
    }

    /**
     * Points the Spring test context at a new database of its own, migrated to the latest schema (a
     * {@code @DynamicPropertySource} method's body).
     */
    public static void useFreshDatabase(DynamicPropertyRegistry registry, String purpose) {
        String url = createMigratedDatabase(purpose);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> PASSWORD);
    }

    /** The command-line arguments of a forked gateway on {@code url}, followed by {@code more}. */
    public static List<String> gatewayArguments(String url, String... more) {
        List<String> arguments = new ArrayList<>(List.of("--spring.datasource.url=" + url,
                "--spring.datasource.username=" + USER, "--spring.datasource.password=" + PASSWORD));
        arguments.addAll(List.of(more));
        return arguments;
    }

    /** Reads and writes a database whose gateway runs in another process. */
    public static JdbcTemplate jdbc(String url) {
        return new JdbcTemplate(new DriverManagerDataSource(url, USER, PASSWORD));
    }

    public static String urlOf(String database) {
        int slash = SERVER_URL.lastIndexOf('/');
        String base = SERVER_URL.substring(0, slash + 1);
        int query = SERVER_URL.indexOf('?', slash);
        return base + database + (query < 0 ? "" : SERVER_URL.substring(query));
    }

    private static void drop(String name) {
        try (Connection c = DriverManager.getConnection(SERVER_URL, USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // Best effort at exit; a leftover test database harms nothing.
        }
    }
}
