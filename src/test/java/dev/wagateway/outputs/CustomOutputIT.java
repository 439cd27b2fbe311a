package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.TestRoutes;

/**
 * docs/routes.md's worked example ("Add an output in YAML"), run as written: a new output added as one YAML file in the routes directory (here
 * writing each message event to a file) plus one setting that switches it on. No Java.
 */
@TestPropertySource(properties = {
        "gateway.outputs.custom.audit.events=message,message_create",
        "gateway.api.admin-key=audit-admin",   // health details need it
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128"})
class CustomOutputIT extends PostgresGatewayTest {

    private static Path auditDir;

    @DynamicPropertySource
    static void routesWithANewOutput(DynamicPropertyRegistry registry) throws IOException {
        Path dir = TestRoutes.copy("routes-custom-output");
        auditDir = Files.createTempDirectory("audit");
        String page = Files.readString(Path.of("docs/routes.md"));
        int start = page.indexOf("```yaml", page.indexOf("<!-- custom-output-example -->")) + "```yaml".length();
        String yaml = page.substring(start, page.indexOf("```", start)).replace("data/audit", auditDir.toString());
        Files.writeString(dir.resolve("audit-output.yaml"), yaml);
        registry.add("camel.main.routes-include-pattern", () -> TestRoutes.pattern(dir));
    }

    @Test
    void theNewYamlOutputReceivesTheEventsItAskedFor() throws IOException {
        String message = client.post("/api/whatsapp/webhook", Samples.forSession("message", "custom-out")).json().path("eventId").asText();
        String ready = client.post("/api/whatsapp/webhook", Samples.forSession("ready", "custom-out")).json().path("eventId").asText();

        Path file = auditDir.resolve(message + ".json");
        Await.until(Duration.ofSeconds(10), () -> Files.exists(file), "the audit file");
        assertThat(Files.readString(file)).contains("\"eventId\":\"" + message + "\"").contains("\"event\":\"message\"");
        assertThat(auditDir.resolve(ready + ".json")).as("ready is not one of its events").doesNotExist();
        assertThat(client.get("/actuator/health", java.util.Map.of("Authorization", "Bearer audit-admin")).body()).contains("\"audit\"");
    }
}
