package dev.wagateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wagateway.support.SharedGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/** Each session-lifecycle event, posted as the stock server sends it, leaves the session row SPEC.md describes. */
class SessionLifecycleIT extends SharedGatewayTest {

    private static final String WEBHOOK = "/api/whatsapp/webhook";

    private String post(String sample, String session) {
        Response r = client.post(WEBHOOK, Samples.forSession(sample, session));
        assertThat(r.status()).as(sample).isEqualTo(200);
        String eventId = r.json().path("eventId").asText();
        assertThat(eventRow(eventId)).as(sample).containsEntry("status", "processed");
        return eventId;
    }

    @Test
    void aSessionGoesFromQrToReady() {
        String session = "life-happy";
        post("qr", session);
        Map<String, Object> pending = sessionRow(session);
        assertThat(pending).containsEntry("status", "qr_pending");
        assertThat((String) pending.get("qr")).startsWith("2@Xk7cQ0vYh1m3pK9sT4wZr8bN6fJ2dL5aE0uC3gH7iM1oP4qR8sV2xY6zA9bD3fG5hJ7kL0nQ2tW4yZ,");
        assertThat(pending.get("qr_at")).isNotNull();

        post("loading_screen", session);
        assertThat(sessionRow(session)).containsEntry("loading_percent", 57).containsEntry("loading_message", "WhatsApp");

        post("authenticated", session);
        Map<String, Object> authenticated = sessionRow(session);
        assertThat(authenticated).containsEntry("status", "authenticated");
        assertThat(authenticated.get("qr")).isNull();
        assertThat(authenticated.get("authenticated_at")).isNotNull();

        post("ready", session);
        Map<String, Object> ready = sessionRow(session);
        assertThat(ready).containsEntry("status", "ready");
        assertThat(ready.get("ready_at")).isNotNull();
        assertThat(ready.get("first_seen_at")).isNotNull();
        assertThat(((java.sql.Timestamp) ready.get("updated_at")).toInstant())
                .isAfterOrEqualTo(((java.sql.Timestamp) ready.get("first_seen_at")).toInstant());
    }

    @Test
    void changeStateKeepsWhatsAppsState() {
        post("change_state", "life-state");
        Map<String, Object> row = sessionRow("life-state");
        assertThat(row).containsEntry("state", "CONFLICT");
        assertThat(row.get("state_at")).isNotNull();
    }

    @Test
    void disconnectedKeepsTheReasonAndTime() {
        post("ready", "life-gone");
        post("disconnected", "life-gone");
        Map<String, Object> row = sessionRow("life-gone");
        assertThat(row).containsEntry("status", "disconnected").containsEntry("last_reason", "LOGOUT");
        assertThat(row.get("disconnected_at")).isNotNull();
        assertThat(row.get("ready_at")).as("the earlier ready time stays").isNotNull();
    }

    @Test
    void authFailureFromTheStockServersStatusEvent() {
        post("qr", "life-fail");
        post("auth_failure", "life-fail");
        Map<String, Object> row = sessionRow("life-fail");
        assertThat(row).containsEntry("status", "auth_failure")
                .containsEntry("last_reason", "Unable to log in. Are the session details valid?");
        assertThat(row.get("qr")).as("a failed login spends the QR").isNull();
        assertThat(row.get("auth_failure_at")).isNotNull();
    }

    @Test
    void aNewQrReplacesTheOldOne() {
        client.post(WEBHOOK + "/life-qr", "{\"event\":\"qr\",\"data\":{\"qr\":\"first\"}}");
        OffsetDateTime before = OffsetDateTime.now();
        client.post(WEBHOOK + "/life-qr", "{\"event\":\"qr\",\"data\":{\"qr\":\"second\"}}");
        Map<String, Object> row = sessionRow("life-qr");
        assertThat(row).containsEntry("qr", "second").containsEntry("status", "qr_pending");
        assertThat(((java.sql.Timestamp) row.get("qr_at")).toInstant()).isAfterOrEqualTo(before.toInstant().minusSeconds(1));
    }

    @Test
    void theUniversalSampleCreatesItsSession() {
        Response r = client.post(WEBHOOK, Samples.load("universal_qr"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(sessionRow("session-123")).containsEntry("qr", "qr-code-data").containsEntry("status", "qr_pending");
    }

    @Test
    void messageFamilyEventsAreArchivedAndMarkedProcessed() {
        for (String sample : new String[] {"message", "message_create", "message_ack", "call", "media_uploaded", "media"}) {
            post(sample, "life-msgs");
        }
        assertThat(sessionRow("life-msgs")).containsEntry("status", "new");
    }
}
