package dev.wagateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.wagateway.support.SignedGatewayTest;
import dev.wagateway.support.Samples;

/**
 * tools/send-events (README, "Play the WhatsApp server") run for real, with Node.js, against the gateway on its test
 * port: every sample in the stock server's shape with its API key, in the modified sender's shape signed, and a
 * wrong key, which must show as a failure.
 */
class SendEventsScriptIT extends SignedGatewayTest {

    private record Run(int exit, String output) {
    }

    private Run sendEvents(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tools/send-events",
                "--url", "http://127.0.0.1:" + port + "/api/whatsapp/webhook"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("WHATSAPP_API_KEY");
        builder.environment().remove("WHATSAPP_WEBHOOK_SECRET");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("send-events finished").isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void everySampleInTheStockShapeWithTheApiKey() throws Exception {
        Run run = sendEvents("--session", "script-stock", "--api-key", API_KEY);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains(Samples.ALL.size() + " sent, " + Samples.ALL.size() + " answered 2xx, 0 not");
        assertThat(run.output().lines().filter(l -> l.contains(" 200 {\"success\":true"))).hasSize(Samples.ALL.size());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = 'script-stock' AND format = 'whatsapp-api'",
                Long.class)).isEqualTo(Samples.ALL.size());
    }

    @Test
    void namedSamplesInTheUniversalShapeSigned() throws Exception {
        Run run = sendEvents("--format", "universal", "--secret", SECRET, "--session", "script-universal",
                "message", "auth_failure", "ready");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("3 sent, 3 answered 2xx, 0 not");
        assertThat(jdbc.queryForList("SELECT event FROM wa_events WHERE session_id = 'script-universal' AND format = 'universal'",
                String.class)).containsExactlyInAnyOrder("message", "auth_failure", "ready");
        assertThat(sessionRow("script-universal").get("status")).isEqualTo("ready");
    }

    @Test
    void aWrongKeyIsShownAndFailsTheRun() throws Exception {
        Run run = sendEvents("--api-key", "not-the-key", "--session", "script-wrong", "ready");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.output()).contains("ready").contains(" 401 ").contains("invalid_api_key")
                .contains("1 sent, 0 answered 2xx, 1 not");
    }
}
