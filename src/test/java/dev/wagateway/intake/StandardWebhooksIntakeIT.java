package dev.wagateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.StandardWebhooksNode;
import dev.wagateway.support.WebhookClient.Response;

/**
 * A sender that signs the Standard Webhooks way, over real HTTP against a real PostgreSQL: each request is signed by
 * the published npm library {@code standardwebhooks} (src/test/node/standard-webhooks-receiver/sign.js), as a
 * customer's webhook platform would sign it. With {@code signature: any} and two whsec_ secrets (a rotation), the
 * X-Webhook-Signature scheme and the API key keep working beside it.
 */
@TestPropertySource(properties = {
        "gateway.security.signature=any",
        "gateway.security.standard-webhooks.secrets=" + StandardWebhooksIntakeIT.NEW + "," + StandardWebhooksIntakeIT.OLD,
        "gateway.security.webhook-secret=" + StandardWebhooksIntakeIT.SHA256_SECRET,
        "gateway.security.api-key=" + StandardWebhooksIntakeIT.API_KEY,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000"
})
class StandardWebhooksIntakeIT extends PostgresGatewayTest {

    static final String OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String NEW = "whsec_dGhlIG5ldyBrZXkgb2YgdGhlIHJvdGF0aW9u";
    static final String SHA256_SECRET = "sha256-secret-Ue40";
    static final String API_KEY = "inbound-key-Wq27";
    static final String WEBHOOK = "/api/whatsapp/webhook";

    @BeforeAll
    static void npm() throws Exception {
        StandardWebhooksNode.install();
    }

    /** POSTs the body with the three headers, the signature made by the npm library under {@code secret}. */
    private Response send(String secret, String id, long timestamp, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return client.post(WEBHOOK, bytes, Map.of("webhook-id", id, "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", StandardWebhooksNode.sign(secret, id, timestamp, bytes)));
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    @Test
    void aRequestSignedByTheLibraryUnderEitherSecretOfTheRotationIsStored() throws Exception {
        Response r = send(NEW, "msg_new_1", now(), "{\"sessionId\":\"swh-rotation\",\"event\":\"ready\"}");
        Response old = send(OLD, "msg_old_1", now(), "{\"sessionId\":\"swh-rotation\",\"event\":\"authenticated\"}");

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(old.status()).as(old.body()).isEqualTo(200);
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("auth_method", "std_webhooks")
                .containsEntry("delivery_id", "msg_new_1").containsEntry("status", "processed");
        assertThat(eventRow(old.json().path("eventId").asText())).containsEntry("delivery_id", "msg_old_1");
    }

    /**
     * The sender's retry: the same webhook-id, re-signed with a new timestamp, after another event of the session (so
     * the identical-body rule cannot be what catches it). Answered duplicate with the original event id, stored once,
     * and the id is held for the Standard Webhooks repeat window (48 h), not DEDUPE_WINDOW's 60 s.
     */
    @Test
    void aRetriedWebhookIdIsAnsweredDuplicateAndStoredOnce() throws Exception {
        String body = "{\"sessionId\":\"swh-retry\",\"event\":\"change_state\",\"data\":{\"state\":\"CONNECTED\"}}";
        long first = now();
        Response original = send(NEW, "msg_retry_1", first, body);
        Response between = send(NEW, "msg_retry_2", now(), "{\"sessionId\":\"swh-retry\",\"event\":\"ready\"}");
        Response retry = send(NEW, "msg_retry_1", first + 5, body);

        assertThat(original.status()).isEqualTo(200);
        assertThat(between.status()).isEqualTo(200);
        assertThat(retry.status()).as(retry.body()).isEqualTo(200);
        assertThat(retry.json().path("duplicate").asBoolean()).isTrue();
        assertThat(retry.json().path("eventId").asText()).isEqualTo(original.json().path("eventId").asText());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE delivery_id = 'msg_retry_1'", Long.class))
                .isEqualTo(1);
        Timestamp expires = jdbc.queryForObject("SELECT expires_at FROM wa_event_dedupe WHERE session_id = 'swh-retry' "
                + "AND dedupe_key = 'delivery:msg_retry_1'", Timestamp.class);
        assertThat(Duration.between(Instant.now(), expires.toInstant())).isBetween(Duration.ofHours(47), Duration.ofHours(48));
    }

    @Test
    void aStaleTimestampIs401AndNothingIsStored() throws Exception {
        long before = allRows();
        Response stale = send(NEW, "msg_stale_1", now() - 600, "{\"sessionId\":\"swh-stale\",\"event\":\"ready\"}");
        Response future = send(NEW, "msg_stale_2", now() + 600, "{\"sessionId\":\"swh-stale\",\"event\":\"ready\"}");

        for (Response r : new Response[] {stale, future}) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.json().path("success").asBoolean()).isFalse();
            assertThat(r.error()).isEqualTo("stale_timestamp");
            assertThat(r.body()).doesNotContain(NEW.substring(6), OLD.substring(6));
        }
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void aWrongOrIncompleteSignatureIs401AndNothingIsStored() throws Exception {
        long before = allRows();
        String body = "{\"sessionId\":\"swh-wrong\",\"event\":\"ready\"}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String unknown = "whsec_" + java.util.Base64.getEncoder().encodeToString("a key the gateway does not know".getBytes(StandardCharsets.UTF_8));
        long ts = now();
        Response wrongSecret = send(unknown, "msg_wrong_1", ts, body);
        Response noTimestamp = client.post(WEBHOOK, bytes, Map.of("webhook-id", "msg_wrong_2",
                "webhook-signature", StandardWebhooksNode.sign(NEW, "msg_wrong_2", ts, bytes)));
        Response otherBody = client.post(WEBHOOK, "{\"sessionId\":\"swh-wrong\",\"event\":\"qr\"}", Map.of("webhook-id", "msg_wrong_3",
                "webhook-timestamp", Long.toString(ts), "webhook-signature", StandardWebhooksNode.sign(NEW, "msg_wrong_3", ts, bytes)));

        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(wrongSecret.error()).isEqualTo("invalid_signature");
        assertThat(noTimestamp.status()).isEqualTo(401);
        assertThat(noTimestamp.error()).isEqualTo("missing_signature");
        assertThat(otherBody.error()).isEqualTo("invalid_signature");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void theOtherWaysStillAuthenticate() {
        String body = "{\"sessionId\":\"swh-others\",\"event\":\"ready\"}";
        Response hmac = client.postSigned(WEBHOOK, body, SHA256_SECRET);
        Response key = client.post(WEBHOOK, "{\"sessionId\":\"swh-others\",\"event\":\"qr\",\"data\":{\"qr\":\"x\"}}",
                Map.of("x-api-key", API_KEY));
        Response none = client.post(WEBHOOK, "{\"sessionId\":\"swh-others\",\"event\":\"authenticated\"}");

        assertThat(hmac.status()).isEqualTo(200);
        assertThat(eventRow(hmac.json().path("eventId").asText())).containsEntry("auth_method", "hmac");
        assertThat(key.status()).isEqualTo(200);
        assertThat(eventRow(key.json().path("eventId").asText())).containsEntry("auth_method", "api_key");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.error()).isEqualTo("missing_signature");
    }
}
