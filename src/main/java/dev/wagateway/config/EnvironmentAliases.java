package dev.wagateway.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contract's environment variables and the property each one sets, as declared in
 * {@code environment-aliases.properties} (NAME=property lines, in docs/configuration.md's order). Read by
 * {@link GatewayEnvironment} at start-up, and by the tests and the doc generator that check deploy files and docs
 * against it.
 */
public final class EnvironmentAliases {

    public static final String RESOURCE = "/environment-aliases.properties";

    private EnvironmentAliases() {
    }

    /** Variable name to property key, in the file's order. */
    public static Map<String, String> load() {
        try (InputStream in = EnvironmentAliases.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            Map<String, String> aliases = new LinkedHashMap<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null;) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                int eq = text.indexOf('=');
                String name = eq < 0 ? "" : text.substring(0, eq).strip();
                String property = eq < 0 ? "" : text.substring(eq + 1).strip();
                if (name.isEmpty() || property.isEmpty()) {
                    throw new IllegalStateException(RESOURCE + ": not NAME=property: " + line);
                }
                if (aliases.put(name, property) != null) {
                    throw new IllegalStateException(RESOURCE + ": " + name + " declared twice");
                }
            }
            return Collections.unmodifiableMap(aliases);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
