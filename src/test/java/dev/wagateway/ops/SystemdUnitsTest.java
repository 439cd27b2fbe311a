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

/** deploy/systemd says what the application reads: its environment names, its stop, its socket. */
class SystemdUnitsTest {

    private static final Path DIR = Path.of("deploy/systemd");

    @Test
    void everyNameInTheEnvironmentFileIsReadByTheGateway() throws IOException {
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        String environment = Files.readString(Path.of("src/main/java/dev/wagateway/config/GatewayEnvironment.java"));
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^#?([A-Z][A-Z0-9_]*)=").matcher(Files.readString(DIR.resolve("env.example")));
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("names in env.example").hasSizeGreaterThan(5);
        for (String name : names) {
            assertThat(yml.contains("${" + name + ":") || environment.contains("\"" + name + "\""))
                    .as("%s read by application.yml or config.GatewayEnvironment", name).isTrue();
        }
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
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        Duration graceful = seconds(yml, "SHUTDOWN_TIMEOUT").plus(seconds(yml, "SHUTDOWN_HAND_OVER"))
                .plus(seconds(yml, "SHUTDOWN_DRAIN_DELAY"));
        assertThat(Duration.ofSeconds(Long.parseLong(stop.group(1)))).as("TimeoutStopSec against the stop's phases")
                .isGreaterThan(graceful.multipliedBy(2));
    }

    private static Duration seconds(String yml, String name) {
        Matcher m = Pattern.compile("\\$\\{" + name + ":(\\d+)s}").matcher(yml);
        assertThat(m.find()).as("%s's default in seconds", name).isTrue();
        return Duration.ofSeconds(Long.parseLong(m.group(1)));
    }
}
