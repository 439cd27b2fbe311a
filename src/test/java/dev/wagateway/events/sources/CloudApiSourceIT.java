package dev.wagateway.events.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.security.HmacSha256;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The WhatsApp Business Cloud API source over real HTTP on PostgreSQL, with the real-shaped deliveries of
 * src/test/resources/samples/cloud/: Meta's handshake, its X-Hub-Signature-256, every sample stored and routed
 * (messages and acks end in wa_messages as the whatsapp-web.js samples do), a batch of five events answered once
 * all five are committed and its retry answered duplicate, bad input refused with nothing stored, and the envelope
 * an HTTP output receives, compared with a whatsapp-web.js event's.
 */
@TestPropertySource(properties = {
        "gateway.sources.cloud.verify-token=" + CloudApiSourceIT.VERIFY_TOKEN,
        "gateway.sources.cloud.app-secret=" + CloudApiSourceIT.APP_SECRET,
        "gateway.api.admin-key=" + CloudApiSourceIT.ADMIN,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.delivery.retry-delay=50ms"})
class CloudApiSourceIT extends PostgresGatewayTest {

    static final String VERIFY_TOKEN = "meta-verify-token-7";
    static final String APP_SECRET = "meta-app-secret-0123456789abcdef";
    static final String ADMIN = "admin-cloud";
    static final String CLOUD = "/api/whatsapp/cloud";
    /** The phone_number_id in every sample; each test puts its own in its place. */
    static final String SAMPLE_PHONE_NUMBER_ID = "109876543210987";
    static final String TEXT_WAMID = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBRjZCOEE5NUI3RDRGNjA0QTFGAA==";
    static final String STATUS_WAMID = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjVBNkQzRTI4QjlGMzA3NjE1MQA=";
    static final String FAILED_WAMID = "wamid.HBgNNjI4NTcxMTEyMjIzMxUCABEYEjI0QzFFNzdBNkQ5QjJGODBBQgA=";

    private static FakeEndpoint output;
    private final ObjectMapper mapper = new ObjectMapper();

    @DynamicPropertySource
    static void httpOutput(DynamicPropertyRegistry registry) throws IOException {
        output = new FakeEndpoint();
        registry.add("gateway.outputs.http.envelopes.url", output::url);
    }

    @AfterAll
    static void stopOutput() {
        output.close();
    }

    static String cloud(String name, String phoneNumberId) {
        try (InputStream in = CloudApiSourceIT.class.getResourceAsStream("/samples/cloud/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(SAMPLE_PHONE_NUMBER_ID, phoneNumberId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String signature(String body, String secret) {
        return new HmacSha256(secret).signatureHeader(body.getBytes(StandardCharsets.UTF_8));
    }

    private Response signed(String body) {
        return client.post(CLOUD, body, Map.of("X-Hub-Signature-256", signature(body, APP_SECRET)));
    }

    private Map<String, Object> messageRow(String session, String messageId) {
        return jdbc.queryForMap("SELECT * FROM wa_messages WHERE session_id = ? AND message_id = ?", session, messageId);
    }

    private long rowsOf(String session) {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM wa_events WHERE session_id = ?)"
                + " + (SELECT count(*) FROM wa_messages WHERE session_id = ?)"
                + " + (SELECT count(*) FROM wa_sessions WHERE session_id = ?)"
                + " + (SELECT count(*) FROM wa_event_dedupe WHERE session_id = ?)", Long.class, session, session, session, session);
    }

    // --- the subscription handshake ----------------------------------------------------------------------------

    @Test
    void theHandshakeWithTheRightTokenAnswersTheChallengeAsPlainText() {
        Response r = client.get(CLOUD + "?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN + "&hub.challenge=1158201444");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/plain");
        assertThat(r.body()).isEqualTo("1158201444");
    }

    @ParameterizedTest
    @CsvSource({
            "subscribe, wrong-token, 1158201444",
            "unsubscribe, " + VERIFY_TOKEN + ", 1158201444",
            "subscribe, , 1158201444",
            "subscribe, " + VERIFY_TOKEN + ", <script>"})
    void aHandshakeWithTheWrongTokenOrModeIsRefused403(String mode, String token, String challenge) {
        String query = "?hub.mode=" + mode + (token == null ? "" : "&hub.verify_token=" + token)
                + "&hub.challenge=" + java.net.URLEncoder.encode(challenge, StandardCharsets.UTF_8);
        Response r = client.get(CLOUD + query);

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.json().path("error").asText()).isEqualTo("verification_failed");
        assertThat(r.body()).doesNotContain(VERIFY_TOKEN).doesNotContain("script");
    }

    // --- signatures ----------------------------------------------------------------------------------------------

    @Test
    void aDeliverySignedWithTheAppSecretIsAccepted() {
        Response r = signed(cloud("text", "151000000000001"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("auth_method", "hmac");
    }

    @ParameterizedTest
    @CsvSource({
            "'', missing_signature",
            "sha256=0000000000000000000000000000000000000000000000000000000000000000, invalid_signature",
            "sha1=abc, invalid_signature",
            "other-secret, invalid_signature",
            "other-body, invalid_signature"})
    void aDeliveryWithoutAValidSignatureIsRefused401AndChangesNothing(String header, String code) {
        String session = "151000000000002";
        String body = cloud("text", session);
        String value = switch (header) {
            case "other-secret" -> signature(body, "not-the-app-secret");
            case "other-body" -> signature(body.replace("Halo", "Hallo"), APP_SECRET);
            default -> header;
        };
        long before = allRows();

        Response r = client.post(CLOUD, body, value.isEmpty() ? Map.of() : Map.of("X-Hub-Signature-256", value));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").asText()).isEqualTo(code);
        assertThat(r.body()).doesNotContain(APP_SECRET);
        assertThat(allRows()).isEqualTo(before);
        assertThat(rowsOf(session)).isZero();
    }

    // --- every sample stored and routed --------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "text, message",
            "image, message",
            "status_sent, message_ack",
            "status_delivered, message_ack",
            "status_read, message_ack",
            "status_failed, message_ack"})
    void everySampleIsStoredAsItsEventAndRouted(String sample, String event) {
        String session = "1520000000" + Math.abs(sample.hashCode() % 100000);
        Response r = signed(cloud(sample, session));

        assertThat(r.status()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.path("source").asText()).isEqualTo("cloud");
        assertThat(json.path("event").asText()).isEqualTo(event);
        assertThat(json.path("sessionId").asText()).isEqualTo(session);
        assertThat(json.path("events")).hasSize(1);
        Map<String, Object> row = eventRow(json.path("eventId").asText());
        assertThat(row).containsEntry("source", "cloud").containsEntry("format", "source").containsEntry("event", event)
                .containsEntry("session_id", session).containsEntry("status", "processed");
        // The source's own document for this event is kept whole under data.raw.
        JsonNode data = readJson((String) row.get("data_json"));
        assertThat(data.path("raw").path("metadata").path("phone_number_id").asText()).isEqualTo(session);
        // Routed to its sub-route: messages.yaml wrote the message row.
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_messages WHERE session_id = ?", Long.class, session))
                .isEqualTo(1L);
    }

    @Test
    void aTextMessageEndsInWaMessagesAsTheWhatsappWebJsSampleDoes() {
        String session = "153000000000001";
        assertThat(signed(cloud("text", session)).status()).isEqualTo(200);
        Response wwebjs = client.post("/api/whatsapp/webhook", Samples.forSession("message", "wwebjs-twin"));
        assertThat(wwebjs.status()).isEqualTo(200);

        Map<String, Object> fromCloud = messageRow(session, TEXT_WAMID);
        Map<String, Object> fromWwebjs = messageRow("wwebjs-twin", "false_6281234567890@c.us_3EB0C767D71D3A5F0A1B");
        // Same message, same columns: the chat, the parties, the text, the type, the time, the flags.
        for (String column : List.of("chat_id", "from_id", "to_id", "body", "type", "msg_timestamp", "from_me",
                "has_media", "has_quoted_msg")) {
            assertThat(fromCloud.get(column)).as(column).isEqualTo(fromWwebjs.get(column)).isNotNull();
        }
        assertThat(fromCloud.get("chat_id")).isEqualTo("6281234567890@c.us");
        assertThat(fromCloud.get("type")).isEqualTo("chat");
        assertThat(readJson((String) fromCloud.get("raw_json")).path("_data").path("text").path("body").asText())
                .startsWith("Halo");
    }

    @Test
    void theReadApiFindsTheMessageByItsWamid() {
        String session = "153000000000002";
        String wamid = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFEZJTkRNRUJZV0FNSUQwMDAwMDAxAA==";
        assertThat(signed(cloud("text", session).replace(TEXT_WAMID, wamid)).status()).isEqualTo(200);

        Response r = client.get("/api/whatsapp/messages/" + wamid, Map.of("Authorization", "Bearer " + ADMIN));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("messageId").asText()).isEqualTo(wamid);
        assertThat(r.json().path("sessionId").asText()).isEqualTo(session);
        assertThat(r.json().path("body").asText()).startsWith("Halo");
    }

    @Test
    void anImageKeepsItsMediaReferenceWithoutDownloading() {
        String session = "153000000000003";
        Response r = signed(cloud("image", session));
        assertThat(r.status()).isEqualTo(200);

        Map<String, Object> row = messageRow(session, "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDhFRjM5QzE2QjQ3NUE3RDRFAA==");
        assertThat(row).containsEntry("type", "image").containsEntry("has_media", true)
                .containsEntry("body", "Bukti transfer");
        // Nothing was fetched: no file, no wa_media row; the reference is on the message.
        assertThat(row.get("media_sha256")).isNull();
        assertThat(count("wa_media")).isZero();
        JsonNode ref = readJson((String) row.get("raw_json")).path("mediaRef");
        assertThat(ref.path("id").asText()).isEqualTo("1003383421387256");
        assertThat(ref.path("mimetype").asText()).isEqualTo("image/jpeg");
        assertThat(ref.path("sha256").asText()).isEqualTo("l8ojZqvN6ZQnDdI3cj4bmVsNclwo5O/FMJRrbR4f1Q8=");
    }

    @Test
    void statusesRaiseTheAckOnTheWhatsappWebJsScale() {
        String session = "153000000000004";
        assertThat(signed(cloud("status_sent", session)).status()).isEqualTo(200);
        assertThat(messageRow(session, STATUS_WAMID)).containsEntry("ack", 1).containsEntry("from_me", true);
        assertThat(signed(cloud("status_delivered", session)).status()).isEqualTo(200);
        assertThat(messageRow(session, STATUS_WAMID)).containsEntry("ack", 2);
        assertThat(signed(cloud("status_read", session)).status()).isEqualTo(200);
        assertThat(messageRow(session, STATUS_WAMID)).containsEntry("ack", 3);
        // A late "delivered" never lowers it, as for whatsapp-web.js acks.
        assertThat(signed(cloud("status_delivered", session).replace("1764312062", "1764312063")).status()).isEqualTo(200);
        assertThat(messageRow(session, STATUS_WAMID)).containsEntry("ack", 3);

        assertThat(signed(cloud("status_failed", session)).status()).isEqualTo(200);
        assertThat(messageRow(session, FAILED_WAMID)).containsEntry("ack", -1).containsEntry("to_id", "6285711122233@c.us");

        // The same columns as whatsapp-web.js's message_ack sample (ack 3 on an outgoing message).
        assertThat(client.post("/api/whatsapp/webhook", Samples.forSession("message_ack", "wwebjs-ack")).status()).isEqualTo(200);
        Map<String, Object> wwebjs = messageRow("wwebjs-ack", "true_6281234567890@c.us_3EB0A1B2C3D4E5F60789");
        Map<String, Object> cloud = messageRow(session, STATUS_WAMID);
        for (String column : List.of("chat_id", "from_id", "to_id", "from_me", "ack")) {
            assertThat(cloud.get(column)).as(column).isEqualTo(wwebjs.get(column));
        }
    }

    // --- one delivery, several events ------------------------------------------------------------------------

    @Test
    void threeMessagesAndTwoStatusesAreStoredAsFiveEventsAndTheRetryIsADuplicate() {
        String session = "154000000000001";
        String body = cloud("batch", session);

        Response r = signed(body);

        assertThat(r.status()).isEqualTo(200);
        JsonNode events = r.json().path("events");
        assertThat(events).hasSize(5);
        List<String> names = new java.util.ArrayList<>();
        events.forEach(e -> names.add(e.path("event").asText()));
        assertThat(names).containsExactly("message", "message", "message", "message_ack", "message_ack");
        assertThat(r.json().has("duplicate")).isFalse();
        for (JsonNode e : events) {
            assertThat(eventRow(e.path("eventId").asText())).containsEntry("status", "processed")
                    .containsEntry("source", "cloud").containsEntry("session_id", session);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, session)).isEqualTo(5L);
        // Three incoming messages, and the outgoing one the two statuses speak of (read wins over delivered).
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_messages WHERE session_id = ?", Long.class, session)).isEqualTo(4L);
        assertThat(messageRow(session, "wamid.HBgNNjI4NTcxMTEyMjIzMxUCABEYEjg4RTBBQTFBQjQ2QzM1MzI5MgA=")).containsEntry("ack", 3);
        assertThat(messageRow(session, "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBNTVDMkM3MUE4QjRFMEY5RTExAA=="))
                .containsEntry("has_quoted_msg", true);
        assertThat(messageRow(session, "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBRDE3RjQ0OUE5MjNCQzc3MDI1AA=="))
                .containsEntry("type", "document").containsEntry("has_media", true);

        // Each event's repeat key is the source's id of it, held for SOURCES_REPEAT_WINDOW (24 h), not DEDUPE_WINDOW.
        List<Map<String, Object>> claims = jdbc.queryForList(
                "SELECT dedupe_key, expires_at FROM wa_event_dedupe WHERE session_id = ?", session);
        assertThat(claims).hasSize(5).allSatisfy(c -> {
            assertThat((String) c.get("dedupe_key")).startsWith("delivery:cloud:wamid.");
            assertThat(((java.sql.Timestamp) c.get("expires_at")).toInstant())
                    .isAfter(java.time.Instant.now().plus(Duration.ofHours(23)));
        });

        long rows = rowsOf(session);
        Response retry = signed(body);

        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().path("duplicate").asBoolean()).isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(retry.json().path("events").get(i).path("duplicate").asBoolean()).isTrue();
            assertThat(retry.json().path("events").get(i).path("eventId").asText()).isEqualTo(events.get(i).path("eventId").asText());
        }
        assertThat(rowsOf(session)).isEqualTo(rows);
    }

    @Test
    void anEventOfTheBatchStoredBeforeIsAnsweredDuplicateAndTheOthersAreStored() {
        String session = "154000000000002";
        String batchStatusWamid = "wamid.HBgNNjI4NTcxMTEyMjIzMxUCABEYEjg4RTBBQTFBQjQ2QzM1MzI5MgA=";
        // Its "read" status came before, in a delivery of its own (what a retry of a half-stored delivery meets).
        Response alone = signed(cloud("status_read", session).replace(STATUS_WAMID, batchStatusWamid));
        assertThat(alone.status()).isEqualTo(200);

        Response r = signed(cloud("batch", session));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().has("duplicate")).isFalse();
        JsonNode events = r.json().path("events");
        for (int i = 0; i < 4; i++) {
            assertThat(events.get(i).has("duplicate")).as("event " + i).isFalse();
        }
        assertThat(events.get(4).path("duplicate").asBoolean()).isTrue();
        assertThat(events.get(4).path("eventId").asText()).isEqualTo(alone.json().path("eventId").asText());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, session)).isEqualTo(5L);
    }

    // --- bad input ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json at all| invalid_json",
            "[1,2]| invalid_json",
            "{\"sessionId\":\"x\",\"event\":\"ready\"}| invalid_payload",
            "{\"object\":\"page\",\"entry\":[]}| invalid_payload",
            "{\"object\":\"whatsapp_business_account\",\"entry\":[]}| invalid_payload",
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"from\":\"1\",\"id\":\"wamid.x\"}]}}]}]}| invalid_payload",
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"155000000000003\"},\"messages\":[{\"from\":\"1\",\"type\":\"text\"}]}}]}]}| invalid_payload",
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"../etc\"},\"messages\":[{\"from\":\"1\",\"id\":\"wamid.x\",\"type\":\"text\"}]}}]}]}| invalid_session_id",
            "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"phone_number_id\":\"155000000000001\"},\"messages\":[{\"from\":\"1\",\"id\":\"wamid.x\",\"timestamp\":\"soon\"}]}}]}]}| invalid_payload"})
    void badInputIsRefused400AndChangesNothing(String body, String code) {
        long before = allRows();

        Response r = signed(body);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("error").asText()).isEqualTo(code);
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void aBatchWithOneMalformedElementStoresNoneOfIt() {
        String session = "155000000000002";
        String body = cloud("batch", session)
                .replace("\"id\": \"wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBRDE3RjQ0OUE5MjNCQzc3MDI1AA==\",", "");
        long before = allRows();

        Response r = signed(body);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("invalid_payload");
        assertThat(allRows()).isEqualTo(before);
        assertThat(rowsOf(session)).isZero();
    }

    // --- the outputs see one envelope shape --------------------------------------------------------------------

    @Test
    void anEventFromTheCloudApiReachesAnHttpOutputInTheSameEnvelopeAsOneFromWhatsappWebJs() throws Exception {
        Response fromCloud = signed(cloud("text", "156000000000001"));
        Response fromWwebjs = client.post("/api/whatsapp/webhook", Samples.forSession("message", "wwebjs-envelope"));
        assertThat(fromCloud.status()).isEqualTo(200);
        assertThat(fromWwebjs.status()).isEqualTo(200);
        String cloudId = fromCloud.json().path("eventId").asText();
        String wwebjsId = fromWwebjs.json().path("eventId").asText();

        Await.until(Duration.ofSeconds(10), () -> output.acceptedTimes(cloudId) == 1 && output.acceptedTimes(wwebjsId) == 1,
                "both events at the HTTP output");
        Map<String, JsonNode> received = new HashMap<>();
        Map<String, FakeEndpoint.Received> requests = new HashMap<>();
        for (FakeEndpoint.Received rec : output.accepted()) {
            String id = rec.header("x-webhook-event-id");
            if (cloudId.equals(id) || wwebjsId.equals(id)) {
                received.put(id, readJson(rec.body()));
                requests.put(id, rec);
            }
        }
        JsonNode cloud = received.get(cloudId);
        JsonNode wwebjs = received.get(wwebjsId);
        assertThat(fieldNames(cloud)).isEqualTo(fieldNames(wwebjs))
                .contains("eventId", "sessionId", "event", "source", "format", "receivedAt", "sourceIp", "data");
        assertThat(cloud.path("source").asText()).isEqualTo("cloud");
        assertThat(wwebjs.path("source").asText()).isEqualTo("wwebjs");
        assertThat(cloud.path("event").asText()).isEqualTo(wwebjs.path("event").asText()).isEqualTo("message");
        // The message inside is read the same way by whoever consumes it.
        for (String field : List.of("body", "type", "from", "to", "timestamp", "fromMe", "hasMedia")) {
            assertThat(cloud.path("data").path("message").path(field)).as(field)
                    .isEqualTo(wwebjs.path("data").path("message").path(field));
        }
        assertThat(cloud.path("data").path("message").path("id").path("_serialized").asText()).isEqualTo(TEXT_WAMID);
        assertThat(requests.get(cloudId).header("x-webhook-source")).isEqualTo("cloud");
        assertThat(requests.get(wwebjsId).header("x-webhook-source")).isEqualTo("wwebjs");
    }

    // --- the other sources' slots --------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"/api/whatsapp/waha", "/api/whatsapp/evolution", "/api/whatsapp/evolution/messages-upsert"})
    void aSourceWithoutItsMapperAnswers404AndStoresNothing(String path) {
        long before = allRows();
        Response r = client.post(path, "{\"event\":\"message\",\"session\":\"default\",\"payload\":{}}");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).isEqualTo("source_disabled");
        assertThat(allRows()).isEqualTo(before);
    }

    private JsonNode readJson(String text) {
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
