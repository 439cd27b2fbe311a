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
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

/**
 * docs/configuration.md's settings table is what the code declares (see {@link ConfigurationDoc}); a setting is
 * declared once: its default in the field, its meaning in the field's Javadoc, its environment name in
 * application.yml. Regenerate the table with
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

    /** application.yml names an environment variable; when it also gives a default, that must be the field's. */
    @Test
    void applicationYmlRepeatsNoDefaultOtherThanTheFields() {
        Map<String, JsonNode> metadata = ConfigurationDoc.metadata();
        List<String> differing = new ArrayList<>();
        for (ConfigurationDoc.Mapping m : ConfigurationDoc.environmentMappings()) {
            JsonNode p = metadata.get(m.property());
            JsonNode d = p == null ? null : p.get("defaultValue");
            if (d == null || d.isNull() || m.defaultValue().isEmpty()) {
                continue;
            }
            String field = d.isArray() ? String.join(",", Stream.of(d.elements()).<String>mapMulti((it, sink) ->
                    it.forEachRemaining(e -> sink.accept(e.asText()))).toList()) : d.asText();
            if (!same(field, m.defaultValue())) {
                differing.add(m.property() + ": field " + field + ", application.yml " + m.defaultValue());
            }
        }
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
