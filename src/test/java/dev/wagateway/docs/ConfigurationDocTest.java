package dev.wagateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

import dev.wagateway.support.DeclaredSettings;

/**
 * docs/configuration.md's settings table is what the code declares (see {@link ConfigurationDoc}); a setting is
 * declared once: its default in the field, its meaning in the field's Javadoc, its environment name in
 * environment-aliases.properties. Regenerate the table with
 * {@code ./mvnw -q test -Dtest=ConfigurationDocTest -Dconfiguration.doc.write=true}.
 */
class ConfigurationDocTest {

    @Test
    void theSettingsTableIsTheOneTheCodeDeclares() throws IOException {
        String document = ConfigurationDoc.read(ConfigurationDoc.DOC);
        String expected = ConfigurationDoc.regenerated(document);
        if (Boolean.getBoolean("configuration.doc.write")) {
            Files.writeString(ConfigurationDoc.DOC, expected, StandardCharsets.UTF_8);
        }
        assertThat(document).as("docs/configuration.md is stale: regenerate it with "
                + "./mvnw -q test -Dtest=ConfigurationDocTest -Dconfiguration.doc.write=true").isEqualTo(expected);
    }

    @Test
    void everyGatewaySettingHasAMeaning() {
        List<String> undocumented = new ArrayList<>();
        ConfigurationDoc.settings().forEach(s -> {
            if (s.meaning().isBlank()) {
                undocumented.add(s.property());
            }
        });
        assertThat(undocumented).as("settings without a Javadoc line").isEmpty();
        assertThat(ConfigurationDoc.metadata()).as("the metadata covers the outputs' settings too")
                .containsKeys("gateway.outputs.delivery.retries", "gateway.outputs.mail.smtp-host", "gateway.database.statement-timeout");
    }

    /**
     * application.yml holds what differs from the defaults, and no environment mapping (environment-aliases.properties
     * has them). It says a gateway setting only where a route reads it as a {@code {{...}}} placeholder, which Camel
     * resolves from the environment and not from the bound fields, and then with the field's default.
     */
    @Test
    void applicationYmlSaysAGatewaySettingOnlyWhereARouteReadsIt() throws IOException {
        assertThat(ConfigurationDoc.read(Path.of("src/main/resources/application.yml")))
                .as("environment variables are mapped in environment-aliases.properties").doesNotContainPattern("\\$\\{[A-Z]");
        Set<String> read = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Matcher m = Pattern.compile("\\{\\{(gateway\\.[a-z0-9.-]+)}}").matcher(ConfigurationDoc.read(f));
                while (m.find()) {
                    read.add(m.group(1));
                }
            }
        }
        // Derived at start-up by config.GatewayEnvironment from the datasource URL.
        read.remove("gateway.sql-dialect");
        assertThat(read).as("gateway settings the routes read").isNotEmpty();

        Map<String, JsonNode> metadata = ConfigurationDoc.metadata();
        Map<String, Object> yml = DeclaredSettings.applicationYml();
        Set<String> said = new TreeSet<>();
        List<String> differing = new ArrayList<>();
        yml.forEach((key, value) -> {
            if (!key.startsWith("gateway.")) {
                return;
            }
            said.add(key);
            JsonNode d = metadata.containsKey(key) ? metadata.get(key).get("defaultValue") : null;
            String field = d == null || d.isNull() ? null : d.asText();
            if (field == null || !same(field, String.valueOf(value))) {
                differing.add(key + ": field " + field + ", application.yml " + value);
            }
        });
        assertThat(said).as("the gateway settings application.yml says are those the routes read").isEqualTo(read);
        assertThat(differing).isEmpty();
    }

    @Test
    void noGatewaySettingIsInjectedWithValue() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            List<Path> injecting = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> ConfigurationDoc.read(f).contains("@Value(\"${gateway")).toList();
            assertThat(injecting).as("gateway settings are read through the typed properties").isEmpty();
        }
    }

    private static boolean same(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            Duration x = DurationStyle.detectAndParse(a);
            return x.equals(DurationStyle.detectAndParse(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
