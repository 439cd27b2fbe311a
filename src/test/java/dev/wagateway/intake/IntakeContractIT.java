package dev.wagateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wagateway.security.HmacSha256;
import dev.wagateway.support.SignedGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * SPEC.md's endpoints, payload formats, security and response table, row by row, over real HTTP against a real
 * PostgreSQL. Both a secret (with a previous one) and an API key are configured, as in production
 * ({@link SignedGatewayTest}: SECRET, PREVIOUS_SECRET, API_KEY; bodies up to 64 KiB).
 */
class IntakeContractIT extends SignedGatewayTest {

    static final String WEBHOOK = "/api/whatsapp/webhook";

    private final ObjectMapper mapper = new ObjectMapper();

    private Response signed(String path, String body) {
        return client.postSigned(path, body, SECRET);
    }

    // --- endpoints -------------------------------------------------------------------------------------------

    @Test
    void availabilityOnBothEndpointsNamesTheEndpointAndRevealsNoSecret() {
        Response universal = client.get(WEBHOOK);
        Response session = client.get(WEBHOOK + "/shop-1");

        assertThat(universal.status()).isEqualTo(200);
        assertThat(universal.header("content-type")).startsWith("application/json");
        assertThat(universal.json().path("endpoint").asText()).isEqualTo(WEBHOOK);
        assertThat(universal.json().path("supportedEvents")).hasSize(13);
        assertThat(universal.json().path("signatureAccepted").asBoolean()).isTrue();
        assertThat(session.status()).isEqualTo(200);
        assertThat(session.json().path("endpoint").asText()).isEqualTo(WEBHOOK + "/shop-1");
        for (Response r : new Response[] {universal, session}) {
            assertThat(r.body()).doesNotContain(SECRET, PREVIOUS_SECRET, API_KEY);
        }
    }

    // --- payload formats -------------------------------------------------------------------------------------

    @Test
    void universalFormatIsStoredAndRouted() {
        String body = "{\"sessionId\":\"fmt-universal\",\"event\":\"qr\",\"data\":{\"qr\":\"2@abc\"}}";
        Response r = signed(WEBHOOK, body);

        assertThat(r.status()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.path("success").asBoolean()).isTrue();
        assertThat(json.path("sessionId").asText()).isEqualTo("fmt-universal");
        assertThat(json.path("event").asText()).isEqualTo("qr");
        assertThat(json.has("duplicate")).isFalse();
        Map<String, Object> row = eventRow(json.path("eventId").asText());
        assertThat(row).containsEntry("format", "universal").containsEntry("event", "qr")
                .containsEntry("status", "processed").containsEntry("auth_method", "hmac")
                .containsEntry("source_ip", "127.0.0.1").containsEntry("source", "wwebjs");
        assertThat(row.get("data_json")).isEqualTo("{\"qr\":\"2@abc\"}");
    }

    @Test
    void whatsappApiFormatTakesTheEventFromDataType() {
        Response r = signed(WEBHOOK, "{\"dataType\":\"change_state\",\"data\":{\"state\":\"CONNECTED\"},\"sessionId\":\"fmt-api\"}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("event").asText()).isEqualTo("change_state");
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("format", "whatsapp-api");
    }

    @ParameterizedTest
    @CsvSource({"event", "dataType"})
    void pathFormatTakesTheSessionFromThePath(String eventField) {
        Response r = signed(WEBHOOK + "/fmt-path-" + eventField.toLowerCase(Locale.ROOT),
                "{\"" + eventField + "\":\"loading_screen\",\"data\":{\"percent\":42,\"message\":\"WhatsApp\"}}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("sessionId").asText()).isEqualTo("fmt-path-" + eventField.toLowerCase(Locale.ROOT));
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("format", "path");
    }

    @Test
    void aPayloadSessionIdThatAgreesWithThePathIsAccepted() {
        Response r = signed(WEBHOOK + "/fmt-agree", "{\"sessionId\":\"fmt-agree\",\"event\":\"ready\"}");
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void statusIsReadAsAuthFailure() {
        Response r = signed(WEBHOOK, "{\"dataType\":\"status\",\"data\":{\"msg\":\"bad session\"},\"sessionId\":\"fmt-status\"}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("event").asText()).isEqualTo("auth_failure");
        assertThat(sessionRow("fmt-status")).containsEntry("status", "auth_failure").containsEntry("last_reason", "bad session");
    }

    @Test
    void missingDataIsStoredAsAnEmptyObject() {
        Response r = signed(WEBHOOK, "{\"sessionId\":\"fmt-nodata\",\"event\":\"ready\"}");
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("data_json", "{}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"just text\"", "[1,2,3]", "42", "true"})
    void dataOfAnyJsonTypeIsKeptAsItIs(String data) {
        Response r = signed(WEBHOOK, "{\"sessionId\":\"fmt-anydata\",\"event\":\"custom_thing\",\"data\":" + data + "}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("data_json", data);
    }

    @Test
    void anUnknownEventIsKeptByTheCatchAll() {
        Response r = signed(WEBHOOK, Samples.forSession("group_join", "fmt-unknown"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("event").asText()).isEqualTo("group_join");
        Map<String, Object> row = eventRow(r.json().path("eventId").asText());
        assertThat(row).containsEntry("status", "unrouted");
        assertThat((String) row.get("data_json")).contains("120363025246125486@g.us");
    }

    @Test
    void everySharedSampleIsAcceptedAndStored() {
        for (String sample : Samples.ALL) {
            String body = Samples.load(sample);
            Response r = signed(WEBHOOK, body);
            assertThat(r.status()).as(sample).isEqualTo(200);
            Map<String, Object> row = eventRow(r.json().path("eventId").asText());
            assertThat(row.get("status")).as(sample).isIn("processed", "unrouted");
            assertThat(row.get("session_id")).as(sample).isEqualTo(r.json().path("sessionId").asText());
        }
    }

    // --- validation: 400, and nothing changes ------------------------------------------------------------------

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "invalid_json|{not json",
            "invalid_json|[{\"sessionId\":\"a\",\"event\":\"qr\"}]",
            "invalid_json|\"a string\"",
            "invalid_json|{\"sessionId\":\"a\",\"sessionId\":\"b\",\"event\":\"qr\"}",
            "missing_session_id|{\"event\":\"qr\",\"data\":{}}",
            "missing_session_id|{\"sessionId\":null,\"event\":\"qr\"}",
            "invalid_session_id|{\"sessionId\":\"has space\",\"event\":\"qr\"}",
            "invalid_session_id|{\"sessionId\":\"../etc\",\"event\":\"qr\"}",
            "invalid_session_id|{\"sessionId\":12,\"event\":\"qr\"}",
            "invalid_session_id|{\"sessionId\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"event\":\"qr\"}",
            "missing_event|{\"sessionId\":\"s\",\"data\":{}}",
            "missing_event|{\"sessionId\":\"s\",\"event\":\"\"}",
            "invalid_event|{\"sessionId\":\"s\",\"event\":\"QR\"}",
            "invalid_event|{\"sessionId\":\"s\",\"event\":\"qr2\"}",
            "invalid_event|{\"sessionId\":\"s\",\"event\":[\"qr\"]}",
            "invalid_event|{\"sessionId\":\"s\",\"dataType\":\"drop table\"}",
    })
    void badPayloadsGetTheirCodeAndChangeNothing(String code, String body) {
        long before = allRows();
        Response r = signed(WEBHOOK, body);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.json().path("success").asBoolean(true)).isFalse();
        assertThat(r.error()).isEqualTo(code);
        assertThat(r.json().path("message").asText()).isNotBlank();
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void anEmptyBodyIsInvalidJson() {
        Response r = signed(WEBHOOK, "");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid_json");
    }

    @Test
    void aPayloadSessionIdThatContradictsThePathIsRefused() {
        long before = allRows();
        Response r = signed(WEBHOOK + "/path-owner", "{\"sessionId\":\"someone-else\",\"event\":\"ready\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("session_mismatch");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void anInvalidSessionIdInThePathIsRefused() {
        Response r = signed(WEBHOOK + "/bad.session", "{\"event\":\"ready\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("invalid_session_id");
    }

    // --- authentication --------------------------------------------------------------------------------------

    @Test
    void upperCaseHexSignaturesAreAccepted() {
        String body = "{\"sessionId\":\"auth-upper\",\"event\":\"ready\"}";
        String hex = new HmacSha256(SECRET).signatureHeader(body.getBytes(StandardCharsets.UTF_8)).substring(7);
        Response r = client.post(WEBHOOK, body, Map.of("X-Webhook-Signature", "sha256=" + hex.toUpperCase(Locale.ROOT)));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void thePreviousSecretStillWorksDuringRotation() {
        Response r = client.postSigned(WEBHOOK, "{\"sessionId\":\"auth-rotated\",\"event\":\"ready\"}", PREVIOUS_SECRET);
        assertThat(r.status()).isEqualTo(200);
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("auth_method", "hmac");
    }

    @Test
    void theSignatureCoversTheRawBytesNotTheParsedJson() throws Exception {
        String sent = "{ \"sessionId\" : \"auth-raw\",  \"event\":\"ready\" }";
        String reserialised = mapper.writeValueAsString(mapper.readTree(sent));
        long before = allRows();

        Response overReserialised = client.post(WEBHOOK, sent,
                Map.of("X-Webhook-Signature", new HmacSha256(SECRET).signatureHeader(reserialised.getBytes(StandardCharsets.UTF_8))));
        assertThat(overReserialised.status()).isEqualTo(401);
        assertThat(overReserialised.error()).isEqualTo("invalid_signature");
        assertThat(allRows()).isEqualTo(before);

        assertThat(signed(WEBHOOK, sent).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sha256=0000000000000000000000000000000000000000000000000000000000000000",
            "sha256=zz",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "sha1=abc"})
    void aWrongSignatureIsRefused(String signature) {
        long before = allRows();
        Response r = client.post(WEBHOOK, "{\"sessionId\":\"auth-bad\",\"event\":\"ready\"}", Map.of("X-Webhook-Signature", signature));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_signature");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void aSignatureUnderAnotherSecretIsRefused() {
        Response r = client.postSigned(WEBHOOK, "{\"sessionId\":\"auth-other\",\"event\":\"ready\"}", "not-the-secret");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_signature");
    }

    @Test
    void noSignatureAndNoKeyIsMissingSignature() {
        long before = allRows();
        Response r = client.post(WEBHOOK, "{\"sessionId\":\"auth-none\",\"event\":\"ready\"}");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("missing_signature");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void theApiKeyAloneAuthenticatesTheStockServer() {
        Response r = client.post(WEBHOOK, Samples.forSession("ready", "auth-key"), Map.of("x-api-key", API_KEY));
        assertThat(r.status()).isEqualTo(200);
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("auth_method", "api_key");
        assertThat(r.headers().keySet()).doesNotContain("x-api-key");
        assertThat(r.body()).doesNotContain(API_KEY);
    }

    @Test
    void aWrongApiKeyIsRefused() {
        long before = allRows();
        Response r = client.post(WEBHOOK, Samples.forSession("ready", "auth-badkey"), Map.of("x-api-key", API_KEY + "x"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.error()).isEqualTo("invalid_api_key");
        assertThat(r.body()).doesNotContain(API_KEY);
        assertThat(allRows()).isEqualTo(before);
    }

    // --- duplicates --------------------------------------------------------------------------------------------

    @Test
    void theSameBodyTwiceIsStoredOnceAndAcknowledgedAsDuplicate() {
        String body = Samples.forSession("qr", "dup-body");
        Response first = signed(WEBHOOK, body);
        Response second = signed(WEBHOOK, body);

        assertThat(first.status()).isEqualTo(200);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("duplicate").asBoolean()).isTrue();
        assertThat(second.json().path("eventId").asText()).isEqualTo(first.json().path("eventId").asText());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = 'dup-body'", Long.class)).isEqualTo(1);
    }

    @Test
    void theSameBodyForAnotherSessionIsNotADuplicate() {
        String body = "{\"event\":\"ready\"}";
        assertThat(signed(WEBHOOK + "/dup-a", body).json().has("duplicate")).isFalse();
        assertThat(signed(WEBHOOK + "/dup-b", body).json().has("duplicate")).isFalse();
    }

    @Test
    void aSenderDeliveryIdMakesTheDuplicate() {
        String first = "{\"sessionId\":\"dup-id\",\"event\":\"loading_screen\",\"data\":{\"percent\":10}}";
        String retried = "{\"sessionId\":\"dup-id\",\"event\":\"loading_screen\",\"data\":{\"percent\":10} }";
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Delivery-Id", "delivery-42");
        headers.put("X-Webhook-Signature", new HmacSha256(SECRET).signatureHeader(first.getBytes(StandardCharsets.UTF_8)));
        Response a = client.post(WEBHOOK, first, headers);
        headers.put("X-Webhook-Signature", new HmacSha256(SECRET).signatureHeader(retried.getBytes(StandardCharsets.UTF_8)));
        Response b = client.post(WEBHOOK, retried, headers);

        assertThat(a.json().has("duplicate")).isFalse();
        assertThat(b.json().path("duplicate").asBoolean()).isTrue();
        assertThat(eventRow(a.json().path("eventId").asText())).containsEntry("delivery_id", "delivery-42");
    }

    // --- size limit --------------------------------------------------------------------------------------------

    @Test
    void aDeclaredBodyOverTheLimitGets413() {
        long before = allRows();
        String big = "{\"sessionId\":\"size-declared\",\"event\":\"media\",\"data\":{\"b\":\"" + "A".repeat(70_000) + "\"}}";
        Response r = signed(WEBHOOK, big);

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).isEqualTo("payload_too_large");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void aChunkedBodyOverTheLimitGets413() {
        long before = allRows();
        byte[] big = ("{\"sessionId\":\"size-chunked\",\"event\":\"media\",\"data\":{\"b\":\"" + "A".repeat(70_000) + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        Response r = client.postChunked(WEBHOOK, new ByteArrayInputStream(big), Map.of());

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.error()).isEqualTo("payload_too_large");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void aHugeDeclaredLengthIsRefusedBeforeTheBodyIsSent() throws Exception {
        // Claims 10 GB and sends none of it: the answer must come from the header alone.
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + WEBHOOK + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10000000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void aBodyJustUnderTheLimitIsAccepted() {
        String prefix = "{\"sessionId\":\"size-under\",\"event\":\"media\",\"data\":{\"b\":\"";
        String suffix = "\"}}";
        String body = prefix + "A".repeat(65_536 - prefix.length() - suffix.length()) + suffix;
        assertThat(body.length()).isEqualTo(65_536);
        assertThat(signed(WEBHOOK, body).status()).isEqualTo(200);
    }
}
