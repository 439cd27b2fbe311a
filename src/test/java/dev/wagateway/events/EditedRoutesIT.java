package dev.wagateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.junit.jupiter.api.Test;

import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.TestRoutes;
import dev.wagateway.support.WebhookClient.Response;

/**
 * Routes are read from a directory at start-up, so an engineer changes behaviour by editing YAML. Here a copy of
 * routes/ whose call route is edited to fail after writing its row: the webhook still answers 200 (the event is
 * stored), the archived event is marked failed with the route's error, and the route's write is rolled back.
 */
class EditedRoutesIT extends PostgresGatewayTest {

    @DynamicPropertySource
    static void editedRoutes(DynamicPropertyRegistry registry) throws IOException {
        Path dir = TestRoutes.copy("routes-edited");
        Path messages = dir.resolve("messages.yaml");
        String yaml = Files.readString(messages);
        // The call route writes its row, then fails: the row must not survive.
        String callInsert = "        - to: sql:classpath:sql/calls/insert.sql?noop=true&parametersCount=8\n";
        assertThat(yaml).contains(callInsert);
        Files.writeString(messages, yaml.replace(callInsert, callInsert
                + "        - throwException:\n"
                + "            exceptionType: java.lang.IllegalStateException\n"
                + "            message: call store is down\n"));
        registry.add("camel.main.routes-include-pattern", () -> TestRoutes.pattern(dir));
    }

    @Test
    void aFailingSubRouteLeavesTheEventStoredAndMarkedFailed() {
        Response r = client.post("/api/whatsapp/webhook", Samples.forSession("call", "edited-call"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        assertThat(r.body()).doesNotContain("call store is down");
        Map<String, Object> row = eventRow(r.json().path("eventId").asText());
        assertThat(row).containsEntry("status", "failed");
        assertThat((String) row.get("error")).contains("IllegalStateException").contains("call store is down");
        assertThat((String) row.get("data_json")).contains("F3C1B5E2A7D94C0B8E6A");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_calls WHERE session_id = 'edited-call'", Long.class))
                .as("the failed route's own write is rolled back").isZero();
    }

    @Test
    void otherRoutesKeepWorking() {
        Response r = client.post("/api/whatsapp/webhook", Samples.forSession("ready", "edited-ready"));
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("status", "processed");
        assertThat(sessionRow("edited-ready")).containsEntry("status", "ready");
    }
}
