package dev.wagateway.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQL the Java side runs, kept as named files under {@code classpath:sql/} next to the ones the YAML routes
 * use through camel-sql, so every statement of the gateway is in one place. Written to run unchanged on
 * PostgreSQL and on H2 in PostgreSQL mode.
 */
public class SqlCatalog {

    private final ConcurrentHashMap<String, String> statements = new ConcurrentHashMap<>();

    /** The statement in {@code sql/<name>.sql}, e.g. {@code get("events/insert")}. */
    public String get(String name) {
        return statements.computeIfAbsent(name, SqlCatalog::load);
    }

    private static String load(String name) {
        String path = "sql/" + name + ".sql";
        try (InputStream in = SqlCatalog.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no SQL named " + name + " (" + path + ")");
            }
            return stripComments(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String stripComments(String sql) {
        StringBuilder out = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.trim().startsWith("--")) {
                out.append(line).append('\n');
            }
        }
        return out.toString().trim();
    }
}
