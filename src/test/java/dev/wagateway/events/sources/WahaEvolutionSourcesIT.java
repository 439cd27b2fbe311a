package dev.wagateway.events.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.security.WahaAuthenticator;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The WAHA and Evolution API sources over real HTTP on PostgreSQL, with the real-shaped deliveries of
 * src/test/resources/samples/waha/ and samples/evolution/ (one gateway for both, to start it once):
 * <ul>
 * <li>every sample stored with its source and routed to its sub-route (or the catch-all);</li>
 * <li>the session lifecycle (qr, ready, disconnected) and the message and ack rows end as the whatsapp-web.js
 * samples leave them, and the read API finds a message by the source's own id;</li>
 * <li>WAHA's X-Webhook-Hmac and Evolution's apikey good, wrong and missing; Evolution's token never stored or
 * forwarded;</li>
 * <li>WAHA's per-session URL and Evolution's "webhook by events" URLs; a retried delivery answered duplicate;</li>
 * <li>bad input answered with our JSON 400 and nothing stored;</li>
 * <li>an event of each reaching an HTTP output in the same envelope as a whatsapp-web.js event.</li>
 * </ul>
 */
@TestPropertySource(properties = {
        "gateway.sources.waha.hmac-key=" + WahaEvolutionSourcesIT.WAHA_KEY,
        "gateway.sources.evolution.api-keys=" + WahaEvolutionSourcesIT.OTHER_INSTANCE_TOKEN + ","
                + WahaEvolutionSourcesIT.EVOLUTION_TOKEN,
        "gateway.api.admin-key=" + WahaEvolutionSourcesIT.ADMIN,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.delivery.retry-delay=50ms"})
class WahaEvolutionSourcesIT extends PostgresGatewayTest {

    static final String WAHA_KEY = "waha-hmac-key-5f1e";
    /** The apikey in every Evolution sample: the instance's token. */
    static final String EVOLUTION_TOKEN = "B6D711FCDE4D4FD5936544120E713976";
    static final String OTHER_INSTANCE_TOKEN = "0A1B2C3D4E5F60718293A4B5C6D7E8F9";
    static final String ADMIN = "admin-waha-evolution";
    static final String WAHA = "/api/whatsapp/waha";
    static final String EVOLUTION = "/api/whatsapp/evolution";
    /** The session in every sample; each test puts its own in its place. */
    static final String SAMPLE_SESSION = "toko-jakarta";
    static final String INCOMING_WAHA_ID = "false_6281234567890@c.us_3EB0C767D71D3A5F0A1B";
    static final String OUTGOING_WAHA_ID = "true_6281234567890@c.us_3EB0A1B2C3D4E5F60789";
    static final String INCOMING_KEY_ID = "3EB0C767D71D3A5F0A1B";
    static final String OUTGOING_KEY_ID = "3EB0A1B2C3D4E5F60789";

    private static FakeEndpoint output;
    private final ObjectMapper mapper = new ObjectMapper();
    private final WahaAuthenticator wahaSigner = new WahaAuthenticator(WAHA_KEY);

    /** WAHA's own API, as far as files go: GET /api/files/{session}/{file} with its X-Api-Key. */
    private static HttpServer wahaFiles;
    private static final Map<String, byte[]> WAHA_FILES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final List<String> WAHA_FILE_KEYS = new java.util.concurrent.CopyOnWriteArrayList<>();
    static final String WAHA_API_KEY = "waha-api-key-77c2";

    @DynamicPropertySource
    static void httpOutput(DynamicPropertyRegistry registry) throws IOException {
        output = new FakeEndpoint();
        registry.add("gateway.outputs.http.envelopes.url", output::url);
        wahaFiles = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        wahaFiles.createContext("/api/files/", exchange -> {
            WAHA_FILE_KEYS.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Api-Key")));
            byte[] file = WAHA_FILES.get(exchange.getRequestURI().getPath());
            boolean allowed = WAHA_API_KEY.equals(exchange.getRequestHeaders().getFirst("X-Api-Key"));
            int status = !allowed ? 401 : file == null ? 404 : 200;
            byte[] body = status == 200 ? file : "{\"error\":\"no\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        wahaFiles.start();
        registry.add("gateway.sources.waha.url", () -> "http://127.0.0.1:" + wahaFiles.getAddress().getPort());
        registry.add("gateway.sources.waha.api-key", () -> WAHA_API_KEY);
    }

    @AfterAll
    static void stopOutput() {
        output.close();
        wahaFiles.stop(0);
    }

    static String sample(String folder, String name, String session) {
        try (InputStream in = WahaEvolutionSourcesIT.class
                .getResourceAsStream("/samples/" + folder + "/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().replace(SAMPLE_SESSION, session);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, String> wahaHeaders(String body) {
        return Map.of("X-Webhook-Hmac", wahaSigner.signatureHeader(body.getBytes(StandardCharsets.UTF_8)),
                "X-Webhook-Hmac-Algorithm", "sha512");
    }

    private Response waha(String body) {
        return client.post(WAHA, body, wahaHeaders(body));
    }

    private Response wahaSample(String name, String session) {
        Response r = waha(sample("waha", name, session));
        assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(200);
        return r;
    }

    private Response evolution(String body) {
        return client.post(EVOLUTION, body, Map.of());
    }

    private Response evolutionSample(String name, String session) {
        Response r = evolution(sample("evolution", name, session));
        assertThat(r.status()).as(name + ": " + r.body()).isEqualTo(200);
        return r;
    }

    private Response wwebjs(String name, String session) {
        Response r = client.post("/api/whatsapp/webhook", Samples.forSession(name, session));
        assertThat(r.status()).as(name).isEqualTo(200);
        return r;
    }

    private Map<String, Object> messageRow(String session, String messageId) {
        return jdbc.queryForMap("SELECT * FROM wa_messages WHERE session_id = ? AND message_id = ?", session, messageId);
    }

    private long rowsOf(String session) {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM wa_events WHERE session_id = ?)"
                + " + (SELECT count(*) FROM wa_messages WHERE session_id = ?)"
                + " + (SELECT count(*) FROM wa_calls WHERE session_id = ?)"
                + " + (SELECT count(*) FROM wa_sessions WHERE session_id = ?)"
                + " + (SELECT count(*) FROM wa_event_dedupe WHERE session_id = ?)",
                Long.class, session, session, session, session, session);
    }

    private Response admin(String path) {
        return client.get(path, Map.of("Authorization", "Bearer " + ADMIN));
    }

    /** Columns a message row shares with its whatsapp-web.js twin. */
    private static void sameColumns(Map<String, Object> row, Map<String, Object> twin, List<String> columns) {
        for (String column : columns) {
            assertThat(row.get(column)).as(column).isEqualTo(twin.get(column));
        }
    }

    // ================================================================================================= WAHA ====

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource({
            "session_status_starting,     change_state,   processed",
            "session_status_scan_qr_code, qr,             processed",
            "session_status_working,      ready,          processed",
            "session_status_failed,       disconnected,   processed",
            "session_status_stopped,      disconnected,   processed",
            "message,                     message,        processed",
            "message_any,                 message_create, processed",
            "message_ack,                 message_ack,    processed",
            "call_received,               call,           processed",
            "message_reaction,            message_reaction, unrouted",
            "group_v2_join,               group_join,     unrouted"})
    void everyWahaSampleIsStoredAsItsEventAndRouted(String name, String event, String status) {
        String session = "w-" + name.replace('_', '-');
        Response r = wahaSample(name, session);

        JsonNode json = r.json();
        assertThat(json.path("source").asText()).isEqualTo("waha");
        assertThat(json.path("event").asText()).isEqualTo(event);
        assertThat(json.path("sessionId").asText()).isEqualTo(session);
        Map<String, Object> row = eventRow(json.path("eventId").asText());
        assertThat(row).containsEntry("source", "waha").containsEntry("format", "source").containsEntry("event", event)
                .containsEntry("session_id", session).containsEntry("status", status).containsEntry("auth_method", "hmac");
        JsonNode data = readJson((String) row.get("data_json"));
        assertThat(data.path("raw").path("session").asText()).isEqualTo(session);
        assertThat(data.path("raw").path("payload").isObject()).isTrue();
    }

    @Test
    void wahaSessionStatusDrivesTheSessionLifecycle() {
        String session = "w-life";
        wahaSample("session_status_starting", session);
        assertThat(sessionRow(session)).containsEntry("state", "STARTING").containsEntry("status", "new");

        wahaSample("session_status_scan_qr_code", session);
        Map<String, Object> pending = sessionRow(session);
        assertThat(pending).containsEntry("status", "qr_pending");
        // WAHA posts no QR string: the session waits for its scan, the QR itself is on WAHA (GET /api/{session}/auth/qr).
        assertThat(pending.get("qr")).isNull();
        assertThat(pending.get("qr_at")).isNotNull();
        Response qr = admin("/api/whatsapp/sessions/" + session + "/qr");
        assertThat(qr.status()).isEqualTo(404);
        assertThat(qr.json().path("error").asText()).isEqualTo("no_pending_qr");

        wahaSample("session_status_working", session);
        Map<String, Object> ready = sessionRow(session);
        assertThat(ready).containsEntry("status", "ready");
        assertThat(ready.get("ready_at")).isNotNull();

        wahaSample("session_status_failed", session);
        Map<String, Object> failed = sessionRow(session);
        assertThat(failed).containsEntry("status", "disconnected").containsEntry("last_reason", "FAILED");
        assertThat(failed.get("disconnected_at")).isNotNull();
        assertThat(failed.get("ready_at")).as("the earlier ready time stays").isNotNull();

        wahaSample("session_status_stopped", session);
        assertThat(sessionRow(session)).containsEntry("status", "disconnected").containsEntry("last_reason", "STOPPED");
    }

    @Test
    void wahaMessagesAndAcksEndAsTheWhatsappWebJsSamplesDo() {
        String session = "w-msgs";
        wahaSample("message", session);
        wahaSample("message_any", session);
        assertThat(messageRow(session, OUTGOING_WAHA_ID)).containsEntry("ack", 0);
        wahaSample("message_ack", session);
        for (String name : List.of("message", "message_create", "message_ack")) {
            wwebjs(name, "w-msgs-twin");
        }

        List<String> columns = List.of("chat_id", "from_id", "to_id", "author", "body", "type", "msg_timestamp",
                "from_me", "has_media", "has_quoted_msg", "ack");
        Map<String, Object> incoming = messageRow(session, INCOMING_WAHA_ID);
        sameColumns(incoming, messageRow("w-msgs-twin", INCOMING_WAHA_ID), columns);
        assertThat(incoming).containsEntry("chat_id", "6281234567890@c.us").containsEntry("from_me", false)
                .containsEntry("ack", 1).containsEntry("type", "chat");
        Map<String, Object> outgoing = messageRow(session, OUTGOING_WAHA_ID);
        sameColumns(outgoing, messageRow("w-msgs-twin", OUTGOING_WAHA_ID), columns);
        assertThat(outgoing).containsEntry("from_me", true).containsEntry("ack", 3).containsEntry("has_quoted_msg", true);

        // An ack never goes down: a late SERVER ack after READ leaves 3.
        String late = sample("waha", "message_ack", session).replace("\"ack\":3,\"ackName\":\"READ\"", "\"ack\":1,\"ackName\":\"SERVER\"")
                .replace("evt_01kb2m3x4y5z6a7b8c9d0e1f2q", "evt_01kb2m3x4y5z6a7b8c9d0late1");
        assertThat(waha(late).status()).isEqualTo(200);
        assertThat(messageRow(session, OUTGOING_WAHA_ID)).containsEntry("ack", 3);
    }

    @Test
    void aWahaAckBeforeItsMessageCreatesTheRowAsTheWhatsappWebJsAckDoes() {
        wahaSample("message_ack", "w-ack-first");
        wwebjs("message_ack", "w-ack-first-twin");
        sameColumns(messageRow("w-ack-first", OUTGOING_WAHA_ID), messageRow("w-ack-first-twin", OUTGOING_WAHA_ID),
                List.of("chat_id", "from_id", "to_id", "body", "type", "msg_timestamp", "from_me", "ack"));
    }

    @Test
    void aWahaCallIsStored() {
        wahaSample("call_received", "w-call");
        Map<String, Object> call = jdbc.queryForMap("SELECT * FROM wa_calls WHERE session_id = ?", "w-call");
        assertThat(call).containsEntry("call_id", "F3C1B5E2A7D94C0B8E6A").containsEntry("from_id", "6281234567890@c.us")
                .containsEntry("is_video", false).containsEntry("is_group", false);
    }

    @Test
    void theReadApiFindsAWahaMessageByWahasId() {
        String id = "false_6281234567890@c.us_3EB0FEEDFACE00000001";
        String body = sample("waha", "message", "w-read").replace(INCOMING_WAHA_ID, id)
                .replace("3EB0C767D71D3A5F0A1B", "3EB0FEEDFACE00000001");
        assertThat(waha(body).status()).isEqualTo(200);

        Response r = admin("/api/whatsapp/messages/" + id);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("messageId").asText()).isEqualTo(id);
        assertThat(r.json().path("sessionId").asText()).isEqualTo("w-read");
        assertThat(r.json().path("body").asText()).startsWith("Halo");
    }

    @Test
    void wahasPerSessionUrlTakesItsSessionAndRefusesAnother() {
        Response r = client.post(WAHA + "/w-path", sample("waha", "message", "w-path"),
                wahaHeaders(sample("waha", "message", "w-path")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("sessionId").asText()).isEqualTo("w-path");

        long before = allRows();
        String other = sample("waha", "message", "w-other");
        Response mismatch = client.post(WAHA + "/w-path", other, wahaHeaders(other));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.json().path("error").asText()).isEqualTo("session_mismatch");
        assertThat(allRows()).isEqualTo(before);
        assertThat(rowsOf("w-other")).isZero();
    }

    @Test
    void aRetriedWahaDeliveryIsAnsweredDuplicate() {
        String body = sample("waha", "message", "w-retry");
        Response first = waha(body);
        long rows = rowsOf("w-retry");

        Response retry = waha(body);

        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().path("duplicate").asBoolean()).isTrue();
        assertThat(retry.json().path("eventId").asText()).isEqualTo(first.json().path("eventId").asText());
        assertThat(rowsOf("w-retry")).isEqualTo(rows);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource({
            "missing,        missing_signature",
            "other-key,      invalid_signature",
            "other-body,     invalid_signature",
            "sha256,         invalid_signature",
            "garbage,        invalid_signature"})
    void aWahaDeliveryWithoutAValidHmacIsRefused401AndChangesNothing(String kind, String code) {
        String session = "w-unsigned";
        String body = sample("waha", "message", session);
        Map<String, String> headers = switch (kind) {
            case "missing" -> Map.of();
            case "other-key" -> Map.of("X-Webhook-Hmac",
                    new WahaAuthenticator("not-the-key").signatureHeader(body.getBytes(StandardCharsets.UTF_8)),
                    "X-Webhook-Hmac-Algorithm", "sha512");
            case "other-body" -> wahaHeaders(body.replace("Halo", "Hallo"));
            case "sha256" -> Map.of("X-Webhook-Hmac", wahaSigner.signatureHeader(body.getBytes(StandardCharsets.UTF_8)),
                    "X-Webhook-Hmac-Algorithm", "sha256");
            default -> Map.of("X-Webhook-Hmac", "zz", "X-Webhook-Hmac-Algorithm", "sha512");
        };
        long before = allRows();

        Response r = client.post(WAHA, body, headers);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("error").asText()).isEqualTo(code);
        assertThat(r.body()).doesNotContain(WAHA_KEY);
        assertThat(allRows()).isEqualTo(before);
        assertThat(rowsOf(session)).isZero();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "not json at all| invalid_json",
            "[1,2]| invalid_json",
            "{\"event\":\"message\",\"payload\":{\"id\":\"false_1@c.us_A\"}}| missing_session_id",
            "{\"session\":\"w bad\",\"event\":\"message\",\"payload\":{\"id\":\"false_1@c.us_A\"}}| invalid_session_id",
            "{\"session\":\"w-bad\",\"payload\":{}}| missing_event",
            "{\"session\":\"w-bad\",\"event\":\"message\",\"payload\":{\"body\":\"no id\"}}| invalid_payload",
            "{\"session\":\"w-bad\",\"event\":\"session.status\",\"payload\":{}}| invalid_payload",
            "{\"session\":\"w-bad\",\"event\":\"message.ack\",\"payload\":{\"id\":\"true_1@c.us_A\",\"ackName\":\"LOST\"}}| invalid_payload"})
    void badWahaInputIsRefused400AndChangesNothing(String body, String code) {
        long before = allRows();

        Response r = waha(body);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("error").asText()).isEqualTo(code);
        assertThat(allRows()).isEqualTo(before);
    }

    // ============================================================================================ Evolution ====

    @ParameterizedTest(name = "{0} -> {1} ({2})")
    @CsvSource({
            "qrcode_updated,               qr,              processed",
            "connection_update_connecting, change_state,    processed",
            "connection_update_open,       ready,           processed",
            "connection_update_close,      disconnected,    processed",
            "messages_upsert,              message,         processed",
            "messages_upsert_from_me,      message_create,  processed",
            "messages_upsert_image,        message,         processed",
            "send_message,                 message_create,  processed",
            "messages_update,              message_ack,     processed",
            "messages_update_delivery,     message_ack,     processed",
            "call,                         call,            processed",
            "contacts_update,              contacts_update, unrouted"})
    void everyEvolutionSampleIsStoredAsItsEventAndRouted(String name, String event, String status) {
        String session = "e-" + name.replace('_', '-');
        Response r = evolutionSample(name, session);

        JsonNode json = r.json();
        assertThat(json.path("source").asText()).isEqualTo("evolution");
        assertThat(json.path("event").asText()).isEqualTo(event);
        assertThat(json.path("sessionId").asText()).isEqualTo(session);
        Map<String, Object> row = eventRow(json.path("eventId").asText());
        assertThat(row).containsEntry("source", "evolution").containsEntry("format", "source").containsEntry("event", event)
                .containsEntry("session_id", session).containsEntry("status", status).containsEntry("auth_method", "api_key");
        assertThat(readJson((String) row.get("data_json")).path("raw").path("instance").asText()).isEqualTo(session);
        // The instance token authenticated the post; it is not kept.
        assertThat(row.toString()).doesNotContain(EVOLUTION_TOKEN);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "messages.upsert, /messages-upsert",
            "MESSAGES_UPSERT, ''",
            "MESSAGES_UPSERT, /messages-upsert"})
    void evolutionsEventSpellingsAndWebhookByEventsUrlsAreOneEvent(String event, String path) {
        String session = "e-spell-" + Math.abs((event + path).hashCode() % 10000);
        String body = sample("evolution", "messages_upsert", session).replace("\"event\":\"messages.upsert\"",
                "\"event\":\"" + event + "\"");

        Response r = client.post(EVOLUTION + path, body, Map.of());

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("event").asText()).isEqualTo("message");
        assertThat(messageRow(session, INCOMING_KEY_ID)).containsEntry("body", "Halo, apakah pesanan saya sudah dikirim? 📦");
    }

    @Test
    void aWebhookByEventsUrlThatContradictsTheBodyIsRefused() {
        long before = allRows();
        Response r = client.post(EVOLUTION + "/messages-update", sample("evolution", "messages_upsert", "e-contra"), Map.of());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).isEqualTo("invalid_event");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void evolutionConnectionEventsDriveTheSessionLifecycleAndTheQrIsServed() {
        String session = "e-life";
        evolutionSample("qrcode_updated", session);
        Map<String, Object> pending = sessionRow(session);
        assertThat(pending).containsEntry("status", "qr_pending");
        assertThat((String) pending.get("qr")).startsWith("2@Xk7cQ0vYh1m3pK9sT4wZr8bN6fJ2dL5aE0uC3gH7iM1oP4qR8sV2xY6zA9bD3fG5hJ7kL0nQ2tW4yZ,");
        Response qr = admin("/api/whatsapp/sessions/" + session + "/qr");
        assertThat(qr.status()).isEqualTo(200);
        assertThat(qr.json().path("qr").asText()).isEqualTo(pending.get("qr"));
        assertThat(admin("/api/whatsapp/sessions/" + session + "/qr.png").status()).isEqualTo(200);

        evolutionSample("connection_update_connecting", session);
        assertThat(sessionRow(session)).containsEntry("state", "connecting").containsEntry("status", "qr_pending");

        evolutionSample("connection_update_open", session);
        Map<String, Object> ready = sessionRow(session);
        assertThat(ready).containsEntry("status", "ready");
        assertThat(ready.get("qr")).isNull();
        assertThat(ready.get("ready_at")).isNotNull();

        evolutionSample("connection_update_close", session);
        Map<String, Object> closed = sessionRow(session);
        assertThat(closed).containsEntry("status", "disconnected").containsEntry("last_reason", "401");
        assertThat(closed.get("disconnected_at")).isNotNull();
    }

    @Test
    void evolutionMessagesAndReceiptsEndAsTheWhatsappWebJsSamplesDo() {
        String session = "e-msgs";
        evolutionSample("messages_upsert", session);
        evolutionSample("messages_upsert_from_me", session);
        evolutionSample("messages_update_delivery", session);
        assertThat(messageRow(session, OUTGOING_KEY_ID)).containsEntry("ack", 2);
        evolutionSample("messages_update", session);
        // Evolution retries a receipt it thinks failed: the same receipt (its key id and status) is a duplicate,
        // even with a later date_time, and READ stays.
        String late = sample("evolution", "messages_update_delivery", session).replace("2025-11-28T06:40:00.000Z",
                "2025-11-28T06:41:00.000Z");
        Response retried = evolution(late);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().path("duplicate").asBoolean()).isTrue();
        for (String name : List.of("message", "message_create", "message_ack")) {
            wwebjs(name, "e-msgs-twin");
        }

        List<String> columns = List.of("chat_id", "from_id", "to_id", "author", "body", "type", "msg_timestamp",
                "from_me", "has_media", "has_quoted_msg");
        Map<String, Object> incoming = messageRow(session, INCOMING_KEY_ID);
        sameColumns(incoming, messageRow("e-msgs-twin", INCOMING_WAHA_ID), columns);
        // Evolution reports an incoming message as delivered (DELIVERY_ACK), whatsapp-web.js's sample as 1.
        assertThat(incoming).containsEntry("ack", 2).containsEntry("chat_id", "6281234567890@c.us");
        Map<String, Object> outgoing = messageRow(session, OUTGOING_KEY_ID);
        sameColumns(outgoing, messageRow("e-msgs-twin", OUTGOING_WAHA_ID), columns);
        assertThat(outgoing.get("ack")).isEqualTo(messageRow("e-msgs-twin", OUTGOING_WAHA_ID).get("ack")).isEqualTo(3);
    }

    @Test
    void anEvolutionReceiptBeforeItsMessageCreatesTheRow() {
        evolutionSample("messages_update", "e-ack-first");
        wwebjs("message_ack", "e-ack-first-twin");
        sameColumns(messageRow("e-ack-first", OUTGOING_KEY_ID), messageRow("e-ack-first-twin", OUTGOING_WAHA_ID),
                List.of("chat_id", "from_id", "to_id", "from_me", "ack"));
    }

    @Test
    void evolutionMediaAndCallsAreStored() {
        evolutionSample("messages_upsert_image", "e-media");
        assertThat(messageRow("e-media", "3EB0D00D1E2F3A4B5C6D")).containsEntry("type", "image")
                .containsEntry("has_media", true).containsEntry("body", "Bukti transfer");
        evolutionSample("call", "e-call");
        Map<String, Object> call = jdbc.queryForMap("SELECT * FROM wa_calls WHERE session_id = ?", "e-call");
        assertThat(call).containsEntry("call_id", "F3C1B5E2A7D94C0B8E6A").containsEntry("from_id", "6281234567890@c.us")
                .containsEntry("is_video", false);
        assertThat(((Number) call.get("call_timestamp")).longValue()).isEqualTo(1764312300L);
    }

    /** webhookBase64: the file goes to the media store as the webhook's media do; the archive keeps no copy of it. */
    @Test
    void anEvolutionMessagesFileIsStoredOffTheDatabaseAndServed() throws Exception {
        String session = "e-media-file";
        evolutionSample("messages_upsert_image_base64", session);
        String base64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Base64.getDecoder().decode(base64)));
        assertThat(messageRow(session, "3EB0E11E2F3A4B5C6D7E")).containsEntry("has_media", true)
                .containsEntry("media_sha256", sha256).containsEntry("body", "Bukti transfer");
        assertThat(jdbc.queryForList("SELECT event, status FROM wa_events WHERE session_id = ? ORDER BY event", session))
                .extracting(row -> row.get("event") + ":" + row.get("status")).containsExactly("media:processed", "message:processed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ? AND data_json LIKE ?",
                Long.class, session, "%" + base64.substring(0, 24) + "%")).as("no copy of the file in the archive").isZero();
        Response message = admin("/api/whatsapp/messages/3EB0E11E2F3A4B5C6D7E");
        assertThat(message.json().path("mediaUrl").asText()).isEqualTo("/api/whatsapp/media/" + sha256);
        assertThat(message.json().path("mediaMimetype").asText()).isEqualTo("image/png");
        assertServedAsPng(sha256, Base64.getDecoder().decode(base64));
        // Evolution posts the same message again when it got no 2xx: the file is not stored twice, the event is a duplicate
        evolutionSample("messages_upsert_image_base64", session);
        assertStoredOnceAndNotArchivedTwice(sha256, session);
    }

    /** GET /api/whatsapp/media/{sha256} serves the stored file, as a PNG. */
    private void assertServedAsPng(String sha256, byte[] expected) throws Exception {
        HttpResponse<byte[]> file = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whatsapp/media/" + sha256))
                        .header("Authorization", "Bearer " + ADMIN).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(file.body()).isEqualTo(expected);
    }

    /** After the source's retry: one file, and only the message and media events of the first delivery. */
    private void assertStoredOnceAndNotArchivedTwice(String sha256, String session) {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_media WHERE sha256 = ?", Long.class, sha256)).isEqualTo(1L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, session)).isEqualTo(2L);
    }

    /** With WAHA_URL a message's file is fetched from WAHA (with its API key) before the 200, and served from here. */
    @Test
    void aWahaMessagesFileIsDownloadedStoredOffTheDatabaseAndServed() throws Exception {
        String session = "w-media-file";
        String messageId = "false_6281234567890@c.us_3EB0F00D1E2F3A4B5C6D";
        byte[] png = Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");
        WAHA_FILES.put("/api/files/" + session + "/" + messageId + ".png", png);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));

        wahaSample("message_image", session);

        assertThat(WAHA_FILE_KEYS).contains(WAHA_API_KEY);
        assertThat(messageRow(session, messageId)).containsEntry("has_media", true)
                .containsEntry("media_sha256", sha256).containsEntry("type", "image");
        assertThat(jdbc.queryForList("SELECT event, status FROM wa_events WHERE session_id = ? ORDER BY event", session))
                .extracting(row -> row.get("event") + ":" + row.get("status")).containsExactly("media:processed", "message:processed");
        assertServedAsPng(sha256, png);
        // WAHA's retry of the same event: a duplicate, the file stored once
        wahaSample("message_image", session);
        assertStoredOnceAndNotArchivedTwice(sha256, session);
    }

    /** A file WAHA no longer has (its files live 180 s by default): the message is stored, the media event failed with why. */
    @Test
    void aFileWahaCannotServeLeavesTheMessageAndAFailedMediaEvent() {
        String session = "w-media-gone";
        String messageId = "false_6281234567890@c.us_3EB0F00D1E2F3A4B5C6D";

        wahaSample("message_image", session);

        assertThat(messageRow(session, messageId)).containsEntry("has_media", true).containsEntry("media_sha256", null);
        Map<String, Object> media = jdbc.queryForMap(
                "SELECT status, error FROM wa_events WHERE session_id = ? AND event = 'media'", session);
        assertThat(media.get("status")).isEqualTo("failed");
        assertThat((String) media.get("error")).contains("download from WAHA failed").contains("404")
                .doesNotContain(WAHA_API_KEY);
    }

    @Test
    void theReadApiFindsAnEvolutionMessageByItsKeyId() {
        evolutionSample("send_message", "e-read");
        Response r = admin("/api/whatsapp/messages/BAE5F2A9C1D3E4B7");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("sessionId").asText()).isEqualTo("e-read");
        assertThat(r.json().path("body").asText()).isEqualTo("Terima kasih sudah berbelanja di Toko Jakarta!");
    }

    @Test
    void aRetriedEvolutionDeliveryIsAnsweredDuplicate() {
        String body = sample("evolution", "messages_upsert", "e-retry");
        Response first = evolution(body);
        long rows = rowsOf("e-retry");

        Response retry = evolution(body);

        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().path("duplicate").asBoolean()).isTrue();
        assertThat(retry.json().path("eventId").asText()).isEqualTo(first.json().path("eventId").asText());
        assertThat(rowsOf("e-retry")).isEqualTo(rows);
    }

    @Test
    void anotherInstancesTokenOrTheApikeyHeaderAuthenticates() {
        String withOtherToken = sample("evolution", "messages_upsert", "e-other-token").replace(EVOLUTION_TOKEN, OTHER_INSTANCE_TOKEN);
        assertThat(evolution(withOtherToken).status()).isEqualTo(200);
        // Without AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES the body's apikey is null: an instance webhook's header.
        String withoutBodyKey = sample("evolution", "messages_upsert", "e-header").replace("\"" + EVOLUTION_TOKEN + "\"", "null");
        Response r = client.post(EVOLUTION, withoutBodyKey, Map.of("apikey", EVOLUTION_TOKEN));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("auth_method", "api_key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"wrong-body-key", "null-body-key", "no-body-key", "wrong-header"})
    void anEvolutionDeliveryWithoutAValidApikeyIsRefused401AndChangesNothing(String kind) {
        String session = "e-unauth";
        String body = sample("evolution", "messages_upsert", session);
        Map<String, String> headers = Map.of();
        switch (kind) {
            case "wrong-body-key" -> body = body.replace(EVOLUTION_TOKEN, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
            case "null-body-key" -> body = body.replace("\"" + EVOLUTION_TOKEN + "\"", "null");
            case "no-body-key" -> body = body.replace(",\"apikey\":\"" + EVOLUTION_TOKEN + "\"", "");
            default -> {
                body = body.replace("\"" + EVOLUTION_TOKEN + "\"", "null");
                headers = Map.of("apikey", "not-a-token");
            }
        }
        long before = allRows();

        Response r = client.post(EVOLUTION, body, headers);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").asText()).isEqualTo("invalid_api_key");
        assertThat(r.body()).doesNotContain(EVOLUTION_TOKEN);
        assertThat(allRows()).isEqualTo(before);
        assertThat(rowsOf(session)).isZero();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "not json at all| invalid_json",
            "{\"event\":\"messages.upsert\",\"data\":{\"key\":{\"id\":\"A\"}}}| missing_session_id",
            "{\"instance\":\"Toko Jakarta\",\"event\":\"messages.upsert\",\"data\":{\"key\":{\"id\":\"A\"}}}| invalid_session_id",
            "{\"instance\":\"e-bad\",\"data\":{}}| missing_event",
            "{\"instance\":\"e-bad\",\"event\":\"messages.upsert\",\"data\":{\"pushName\":\"no key\"}}| invalid_payload",
            "{\"instance\":\"e-bad\",\"event\":\"messages.update\",\"data\":{\"status\":\"READ\"}}| invalid_payload",
            "{\"instance\":\"e-bad\",\"event\":\"connection.update\",\"data\":{}}| invalid_payload",
            "{\"instance\":\"e-bad\",\"event\":\"call\",\"data\":[]}| invalid_payload"})
    void badEvolutionInputIsRefused400AndChangesNothing(String body, String code) {
        long before = allRows();

        Response r = client.post(EVOLUTION, body, Map.of("apikey", EVOLUTION_TOKEN));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("error").asText()).isEqualTo(code);
        assertThat(allRows()).isEqualTo(before);
    }

    // ==================================================================== the outputs see one envelope shape ====

    @Test
    void anEventFromWahaAndFromEvolutionReachAnHttpOutputInTheSameEnvelopeAsOneFromWhatsappWebJs() {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("waha", wahaSample("message", "w-envelope").json().path("eventId").asText());
        ids.put("evolution", evolutionSample("messages_upsert", "e-envelope").json().path("eventId").asText());
        ids.put("wwebjs", wwebjs("message", "x-envelope").json().path("eventId").asText());

        Await.until(Duration.ofSeconds(10), () -> ids.values().stream().allMatch(id -> output.acceptedTimes(id) == 1),
                "the three events at the HTTP output");
        Map<String, JsonNode> received = new HashMap<>();
        Map<String, FakeEndpoint.Received> requests = new HashMap<>();
        for (FakeEndpoint.Received rec : output.accepted()) {
            String id = rec.header("x-webhook-event-id");
            ids.forEach((source, eventId) -> {
                if (eventId.equals(id)) {
                    received.put(source, readJson(rec.body()));
                    requests.put(source, rec);
                }
            });
        }
        JsonNode wwebjs = received.get("wwebjs");
        for (String source : List.of("waha", "evolution")) {
            JsonNode envelope = received.get(source);
            assertThat(fieldNames(envelope)).as(source).isEqualTo(fieldNames(wwebjs))
                    .contains("eventId", "sessionId", "event", "source", "format", "receivedAt", "sourceIp", "data");
            assertThat(envelope.path("source").asText()).isEqualTo(source);
            assertThat(requests.get(source).header("x-webhook-source")).isEqualTo(source);
            assertThat(envelope.path("event").asText()).isEqualTo(wwebjs.path("event").asText()).isEqualTo("message");
            // The message inside is read the same way by whoever consumes it.
            for (String field : List.of("body", "type", "from", "to", "timestamp", "fromMe", "hasMedia")) {
                assertThat(envelope.path("data").path("message").path(field)).as(source + " " + field)
                        .isEqualTo(wwebjs.path("data").path("message").path(field));
            }
        }
        assertThat(received.get("evolution").toString()).doesNotContain(EVOLUTION_TOKEN);
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
