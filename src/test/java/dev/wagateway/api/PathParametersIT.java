package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.wagateway.support.SharedGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * Ids in paths arrive percent-encoded, as every OpenAPI-generated client and most HTTP clients send them: each read
 * and admin route (and the session webhook) finds the same row with {@code %40}, {@code %2E}, {@code %3D},
 * {@code %2F} and {@code %3A} as with the characters themselves, over a real socket; what does not decode, or
 * decodes to no valid id, is a JSON 400 that names the parameter and touches nothing.
 */
class PathParametersIT extends SharedGatewayTest {

    static final String API = "/api/whatsapp";
    /** whatsapp-web.js's serialised id, as the stock sample has it: an {@code @} and a {@code .}. */
    static final String WWEBJS_ID = "false_6281234567890@c.us_3EB0C767D71D3A5F0A1B";
    /** An id with every character the issue names ({@code . / = :}); Cloud API wamids are base64 with such. */
    static final String ODD_ID = "wamid.HBgM/NjI4=:AB@c.us";
    static final String SESSION = "path-shop";

    @BeforeEach
    void traffic() {
        if (jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, SESSION) > 0) {
            return;
        }
        for (String sample : new String[] {"qr", "message", "media"}) {
            assertThat(client.post(API + "/webhook", Samples.forSession(sample, SESSION)).status()).isEqualTo(200);
        }
        String odd = Samples.forSession("message", SESSION).replace(WWEBJS_ID, ODD_ID);
        assertThat(client.post(API + "/webhook", odd).status()).isEqualTo(200);
    }

    /** Every character but the unreserved ones as %XX, and the dot too (clients differ on it; both must work). */
    static String encoded(String id) {
        StringBuilder out = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    @Test
    void aMessageIsFoundByItsEncodedId() {
        for (String id : new String[] {WWEBJS_ID, ODD_ID}) {
            assertThat(encoded(id)).contains("%2E").doesNotContain("@", ".", "/", "=", ":");
            Response r = client.get(API + "/messages/" + encoded(id), ADMIN);
            assertThat(r.status()).as("%s: %s", id, r.body()).isEqualTo(200);
            assertThat(r.json().path("messageId").asText()).isEqualTo(id);
        }
        // the characters themselves still work where a path may carry them
        assertThat(client.get(API + "/messages/" + WWEBJS_ID, ADMIN).json().path("messageId").asText()).isEqualTo(WWEBJS_ID);
        // decoded once: %2540 is the id "…%40…", which no message has
        assertThat(client.get(API + "/messages/" + encoded(WWEBJS_ID).replace("%40", "%2540"), ADMIN).error())
                .isEqualTo("message_not_found");
    }

    @Test
    void everySessionRouteDecodesItsSessionId() {
        String session = "path%2Dshop";
        assertThat(client.get(API + "/sessions/" + session, ADMIN).json().path("sessionId").asText()).isEqualTo(SESSION);
        assertThat(client.get(API + "/sessions/" + session + "/messages", ADMIN).json().path("items")).hasSize(3);
        assertThat(client.get(API + "/sessions/" + session + "/qr", ADMIN).status()).isEqualTo(200);
        Response png = client.get(API + "/sessions/" + session + "/qr.png", ADMIN);
        assertThat(png.status()).isEqualTo(200);
        assertThat(png.header("content-type")).isEqualTo("image/png");

        whatsAppServer().clear();
        Response start = client.post(API + "/sessions/" + session + "/start", "", ADMIN);
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        assertThat(whatsAppServer().starts()).singleElement().asString().startsWith("GET " + SESSION + " ");

        for (String path : new String[] {"", "/messages", "/qr", "/qr.png"}) {
            Response r = client.get(API + "/sessions/path%40shop" + path, ADMIN);
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.error()).isEqualTo("invalid_session_id");
        }
        assertThat(client.post(API + "/sessions/path%3Ashop/start", "", ADMIN).error()).isEqualTo("invalid_session_id");
    }

    @Test
    void anEventIsFoundByItsEncodedId() {
        String eventId = jdbc.queryForObject("SELECT event_id FROM wa_events WHERE session_id = ? AND event = 'qr'",
                String.class, SESSION);
        Response r = client.get(API + "/events/" + eventId.replace("-", "%2D"), ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("eventId").asText()).isEqualTo(eventId);
        assertThat(client.get(API + "/events/not%3Aan%3Did", ADMIN).error()).isEqualTo("invalid_event_id");
    }

    /**
     * Ids are uuid columns since V19: text that is no UUID (even what UUID.fromString or PostgreSQL would still
     * read as one) is the 400 it always was, never a database error; an unknown UUID the 404; either case finds it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ev-3", "1-1-1-1-1", "0190a0b0000070008000000000000001",
            "%7B0190a0b0-0000-7000-8000-000000000001%7D", "0190a0b0-0000-7000-8000-0000000000012",
            "0190a0b0-0000-7000-8000-00000000000g"})
    void anIdThatIsNoUuidIsA400NotADatabaseError(String id) {
        Response event = client.get(API + "/events/" + id, ADMIN);
        assertThat(event.status()).isEqualTo(400);
        assertThat(event.error()).isEqualTo("invalid_event_id");
        Response replay = client.post(API + "/dead-letters/" + id + "/replay", "", ADMIN);
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.error()).isEqualTo("invalid_dead_letter_id");
    }

    @Test
    void anUnknownUuidIsA404AndTheIdIsFoundInEitherCase() {
        Response unknown = client.get(API + "/events/0190a0b0-0000-7000-8000-000000000001", ADMIN);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("event_not_found");
        String eventId = jdbc.queryForObject("SELECT event_id FROM wa_events WHERE session_id = ? AND event = 'qr'",
                String.class, SESSION);
        Response upper = client.get(API + "/events/" + eventId.toUpperCase(java.util.Locale.ROOT), ADMIN);
        assertThat(upper.status()).isEqualTo(200);
        assertThat(upper.json().path("eventId").asText()).as("the canonical text, as stored").isEqualTo(eventId);
    }

    @Test
    void aMediaFileIsFoundByItsEncodedHash() {
        String sha256 = jdbc.queryForObject("SELECT media_sha256 FROM wa_messages WHERE session_id = ? "
                + "AND media_sha256 IS NOT NULL", String.class, SESSION);
        String first = String.format("%%%02X", (int) sha256.charAt(0));
        Response r = client.get(API + "/media/" + first + sha256.substring(1), ADMIN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(client.get(API + "/media/" + sha256.substring(2) + "%2F%3D", ADMIN).error()).isEqualTo("invalid_sha256");
    }

    @Test
    void aDeadLetterIdIsDecodedBeforeItIsLookedUp() {
        Response known = client.post(API + "/dead-letters/00000000%2D0000%2D4000%2D8000%2D000000000000/replay", "", ADMIN);
        assertThat(known.status()).isEqualTo(404);
        assertThat(known.error()).isEqualTo("dead_letter_not_found");
        assertThat(client.post(API + "/dead-letters/x%3Dy%3Az/replay", "", ADMIN).error()).isEqualTo("invalid_dead_letter_id");
    }

    @Test
    void theSessionWebhookDecodesItsSessionIdToo() {
        // its own session: a ready would clear path-shop's QR that the session test reads
        Response r = client.post(API + "/webhook/path%2Dhook", "{\"dataType\":\"ready\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("sessionId").asText()).isEqualTo("path-hook");
        assertThat(sessionRow("path-hook").get("status")).isEqualTo("ready");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "abc%zz", "abc%4", "%C3%28", "a%0Ab", "%E2%82"})
    void whatDoesNotDecodeIsAJson400ThatTouchesNothing(String raw) throws IOException {
        long before = allRows() + count("wa_messages");
        String read = rawRequest("GET", API + "/messages/" + raw, "Authorization: Bearer " + ADMIN_KEY);
        assertThat(read).as(raw).startsWith("HTTP/1.1 400 ").containsIgnoringCase("content-type: application/json")
                .doesNotContain("Exception", "at dev.", "SELECT", "Tomcat", ADMIN_KEY);
        String webhook = rawRequest("POST", API + "/webhook/" + raw, "Content-Type: application/json");
        assertThat(webhook).as(raw).startsWith("HTTP/1.1 400 ").containsIgnoringCase("content-type: application/json")
                .doesNotContain("Exception", "at dev.", "SELECT", "Tomcat");
        assertThat(allRows() + count("wa_messages")).isEqualTo(before);
    }

    @Test
    void anEncodedControlCharacterIsRefusedByNameBeforeTheRoute() throws IOException {
        // Tomcat itself answers a stray % or bytes that are not UTF-8 (400 bad_request, JSON, as above); a control
        // character passes it, and the gateway's decoder refuses it by the parameter's name
        assertThat(rawRequest("GET", API + "/messages/a%0Ab", "Authorization: Bearer " + ADMIN_KEY))
                .startsWith("HTTP/1.1 400 ").contains("\"error\":\"invalid_message_id\"");
        assertThat(rawRequest("POST", API + "/webhook/s%09t", "Content-Type: application/json"))
                .startsWith("HTTP/1.1 400 ").contains("\"error\":\"invalid_session_id\"");
    }

    /** A request line java.net.URI would refuse to build (a stray %), written on the socket as a client may. */
    private String rawRequest(String method, String target, String header) throws IOException {
        byte[] body = "{\"dataType\":\"ready\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + "\r\nConnection: close\r\n"
                    + (method.equals("POST") ? "Content-Length: " + body.length + "\r\n\r\n" : "\r\n"))
                    .getBytes(StandardCharsets.US_ASCII));
            if (method.equals("POST")) {
                out.write(body);
            }
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
