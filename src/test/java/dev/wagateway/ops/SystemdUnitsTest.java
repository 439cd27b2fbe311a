package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.convert.DurationStyle;

import dev.wagateway.support.DeclaredSettings;

/** deploy/systemd says what the application reads: its environment names (environment-aliases.properties), its stop, its socket. */
class SystemdUnitsTest {

    private static final Path DIR = Path.of("deploy/systemd");

    @Test
    void everyNameInTheEnvironmentFileIsReadByTheGateway() throws IOException {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^#?([A-Z][A-Z0-9_]*)=").matcher(Files.readString(DIR.resolve("env.example")));
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("names in env.example").hasSizeGreaterThan(5);
        assertThat(names).as("environment-aliases.properties").isSubsetOf(DeclaredSettings.aliases().keySet());
    }

    @Test
    void theServiceTakesTheSocketOnStandardInputAndOutlastsTheGracefulStop() throws IOException {
        String service = Files.readString(DIR.resolve("wagateway.service"));
        String socket = Files.readString(DIR.resolve("wagateway.socket"));
        assertThat(socket).contains("ListenStream=").contains("Accept=no").containsPattern("(?m)^Backlog=\\d{4,}");
        assertThat(service).contains("Requires=wagateway.socket", "StandardInput=socket", "StandardOutput=journal",
                "Restart=always", "EnvironmentFile=/etc/wagateway/env", "SuccessExitStatus=143");
        assertThat(service).containsPattern("(?m)^User=(?!root)\\w+");
        Matcher stop = Pattern.compile("(?m)^TimeoutStopSec=(\\d+)$").matcher(service);
        assertThat(stop.find()).as("TimeoutStopSec").isTrue();
        Duration graceful = byDefault("SHUTDOWN_TIMEOUT").plus(byDefault("SHUTDOWN_HAND_OVER"))
                .plus(byDefault("SHUTDOWN_DRAIN_DELAY"));
        assertThat(Duration.ofSeconds(Long.parseLong(stop.group(1)))).as("TimeoutStopSec against the stop's phases")
                .isGreaterThan(graceful.multipliedBy(2));
    }

    /** The default of the setting the variable sets (env.example leaves these commented out). */
    private static Duration byDefault(String variable) {
        String value = DeclaredSettings.defaultOf(DeclaredSettings.aliases().get(variable));
        assertThat(value).as("%s's default", variable).isNotNull();
        return DurationStyle.detectAndParse(value);
    }
}
