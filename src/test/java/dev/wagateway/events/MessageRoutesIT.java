package dev.wagateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.component.sql.DefaultSqlEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.wagateway.shared.Digests;
import dev.wagateway.store.NamedParameterCache;
import dev.wagateway.support.SharedGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/** The message family of routes, from the shared samples to the rows and files they leave, on PostgreSQL. */
class MessageRoutesIT extends SharedGatewayTest {

    private static final String WEBHOOK = "/api/whatsapp/webhook";

    private Response post(String body) {
        Response r = client.post(WEBHOOK, body);
        assertThat(r.status()).isEqualTo(200);
        return r;
    }

    private String status(Response r) {
        return (String) eventRow(r.json().path("eventId").asText()).get("status");
    }

    private Map<String, Object> message(String session, String id) {
        return jdbc.queryForMap("SELECT * FROM wa_messages WHERE session_id = ? AND message_id = ?", session, id);
    }

    private long messages(String session) {
        return jdbc.queryForObject("SELECT count(*) FROM wa_messages WHERE session_id = ?", Long.class, session);
    }

    private static String ack(String session, String messageId, int ack) {
        return "{\"sessionId\":\"" + session + "\",\"event\":\"message_ack\",\"data\":{\"message\":{\"id\":{\"fromMe\":true,"
                + "\"remote\":\"62811@c.us\",\"id\":\"X\",\"_serialized\":\"" + messageId + "\"},\"ack\":" + ack
                + ",\"body\":\"hi\",\"type\":\"chat\",\"timestamp\":1764312060,\"from\":\"62899@c.us\",\"to\":\"62811@c.us\",\"fromMe\":true},\"ack\":" + ack + "}}";
    }

    private static String media(String session, String messageId, String base64, String filename) {
        return "{\"sessionId\":\"" + session + "\",\"dataType\":\"media\",\"data\":{\"messageMedia\":{\"mimetype\":\"image/png\","
                + "\"data\":\"" + base64 + "\",\"filename\":\"" + filename + "\",\"filesize\":70},\"message\":{\"id\":{\"fromMe\":false,"
                + "\"remote\":\"62811@c.us\",\"id\":\"M\",\"_serialized\":\"" + messageId + "\"},\"hasMedia\":true,\"type\":\"image\","
                + "\"timestamp\":1764312500,\"from\":\"62811@c.us\",\"to\":\"62899@c.us\",\"fromMe\":false}}}";
    }

    @Autowired
    CamelContext camel;

    @Test
    void theRoutesSqlEndpointsParseTheirNamedParametersOnce() {
        Response r = client.post("/api/whatsapp/webhook", Samples.forSession("message", "sql-cache"));
        assertThat(r.status()).isEqualTo(200);

        List<DefaultSqlEndpoint> sql = camel.getEndpoints().stream()
                .filter(DefaultSqlEndpoint.class::isInstance).map(DefaultSqlEndpoint.class::cast).toList();
        assertThat(sql).isNotEmpty().allSatisfy(e ->
                assertThat(e.getPrepareStatementStrategy()).isInstanceOf(NamedParameterCache.class));
        NamedParameterCache cache = (NamedParameterCache) sql.get(0).getPrepareStatementStrategy();
        assertThat(cache.statementsCached()).as("the message upsert went through the cache").isPositive();
    }

    @Test
    void theMessageSampleBecomesAMessageRow() {
        Response r = post(Samples.forSession("message", "msg-sample"));
        assertThat(status(r)).isEqualTo("processed");

        Map<String, Object> row = message("msg-sample", "false_6281234567890@c.us_3EB0C767D71D3A5F0A1B");
        assertThat(row).containsEntry("chat_id", "6281234567890@c.us").containsEntry("from_id", "6281234567890@c.us")
                .containsEntry("to_id", "6289876543210@c.us").containsEntry("type", "chat")
                .containsEntry("msg_timestamp", 1764312000L).containsEntry("from_me", false)
                .containsEntry("has_media", false).containsEntry("has_quoted_msg", false).containsEntry("ack", 1);
        assertThat(row.get("body")).isEqualTo("Halo, apakah pesanan saya sudah dikirim? 📦");
        assertThat((String) row.get("raw_json")).contains("\"deviceType\":\"android\"");
    }

    @Test
    void theSameMessageTwiceStaysOneRow() {
        post(Samples.forSession("message_create", "msg-twice"));
        String edited = Samples.forSession("message_create", "msg-twice").replace("Nomor resi", "No. resi");
        post(edited);
        post(edited);
        assertThat(messages("msg-twice")).isEqualTo(1);
        Map<String, Object> row = message("msg-twice", "true_6281234567890@c.us_3EB0A1B2C3D4E5F60789");
        assertThat((String) row.get("body")).contains("No. resi");
        assertThat(row).containsEntry("has_quoted_msg", true).containsEntry("from_me", true);
    }

    @Test
    void theAckSampleRaisesTheAckOfTheCreatedMessage() {
        post(Samples.forSession("message_create", "msg-ack"));
        assertThat(message("msg-ack", "true_6281234567890@c.us_3EB0A1B2C3D4E5F60789")).containsEntry("ack", 0);
        Response r = post(Samples.forSession("message_ack", "msg-ack"));
        assertThat(status(r)).isEqualTo("processed");
        assertThat(message("msg-ack", "true_6281234567890@c.us_3EB0A1B2C3D4E5F60789")).containsEntry("ack", 3);
        assertThat(messages("msg-ack")).isEqualTo(1);
    }

    @Test
    void acksOutOfOrderNeverGoDown() {
        post(ack("ack-order", "m-1", 3));
        post(ack("ack-order", "m-1", 2));
        post(ack("ack-order", "m-1", 1));
        assertThat(message("ack-order", "m-1")).containsEntry("ack", 3);
        post(ack("ack-order", "m-1", 4));
        assertThat(message("ack-order", "m-1")).containsEntry("ack", 4);
    }

    @Test
    void anAckBeforeItsMessageCreatesIt() {
        post(ack("ack-first", "m-early", 2));
        Map<String, Object> row = message("ack-first", "m-early");
        assertThat(row).containsEntry("ack", 2).containsEntry("body", "hi").containsEntry("chat_id", "62811@c.us");

        // The message itself arrives late, with a lower ack: its fields fill in, the ack stays.
        String late = ack("ack-first", "m-early", 0).replace("\"body\":\"hi\"", "\"body\":\"hello\"")
                .replace("\"event\":\"message_ack\"", "\"event\":\"message_create\"");
        post(late);
        assertThat(message("ack-first", "m-early")).containsEntry("ack", 2).containsEntry("body", "hello");
    }

    @Test
    void theCallSampleIsStored() {
        Response r = post(Samples.forSession("call", "call-sample"));
        assertThat(status(r)).isEqualTo("processed");
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM wa_calls WHERE session_id = 'call-sample'");
        assertThat(row).containsEntry("call_id", "F3C1B5E2A7D94C0B8E6A").containsEntry("from_id", "6281234567890@c.us")
                .containsEntry("is_video", false).containsEntry("is_group", false).containsEntry("call_timestamp", 1764312300L);
        post(Samples.forSession("call", "call-sample").replace("\"isVideo\":false", "\"isVideo\": false"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_calls WHERE session_id = 'call-sample'", Long.class)).isEqualTo(1);
    }

    @Test
    void mediaUploadedIsRecordedOnTheMessage() {
        Response r = post(Samples.forSession("media_uploaded", "media-up"));
        assertThat(status(r)).isEqualTo("processed");
        Map<String, Object> row = message("media-up", "true_6281234567890@c.us_3EB0FF00EE11DD22CC33");
        assertThat(row.get("media_uploaded_at")).isNotNull();
        assertThat(row).containsEntry("has_media", true);
    }

    @Test
    void theMediaSampleIsDecodedToAContentAddressedFile() throws IOException {
        Response r = post(Samples.forSession("media", "media-sample"));
        assertThat(status(r)).isEqualTo("processed");

        byte[] png = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");
        String sha = Digests.sha256Hex(png);
        Path file = mediaDir().resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
        assertThat(Files.readAllBytes(file)).isEqualTo(png);

        assertThat(jdbc.queryForMap("SELECT * FROM wa_media WHERE sha256 = ?", sha))
                .containsEntry("mimetype", "image/png").containsEntry("size_bytes", (long) png.length);
        assertThat(message("media-sample", "false_6281234567890@c.us_3EB0D00D1E2F3A4B5C6D"))
                .containsEntry("media_sha256", sha).containsEntry("media_filename", "bukti-transfer.png")
                .containsEntry("media_mimetype", "image/png");
        String archived = (String) eventRow(r.json().path("eventId").asText()).get("data_json");
        assertThat(archived).doesNotContain("iVBORw0KGgo").contains("media/" + sha);
    }

    @Test
    void twoIdenticalFilesAreStoredOnce() throws IOException {
        String base64 = Base64.getEncoder().encodeToString("the same bytes, twice".getBytes());
        post(media("media-twice", "m-a", base64, "a.txt"));
        post(media("media-twice", "m-b", base64, "b.txt"));
        String sha = Digests.sha256Hex("the same bytes, twice".getBytes());

        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_media WHERE sha256 = ?", Long.class, sha)).isEqualTo(1);
        assertThat(message("media-twice", "m-a")).containsEntry("media_sha256", sha).containsEntry("media_filename", "a.txt");
        assertThat(message("media-twice", "m-b")).containsEntry("media_sha256", sha).containsEntry("media_filename", "b.txt");
        try (Stream<Path> files = Files.walk(mediaDir())) {
            assertThat(files.filter(p -> p.getFileName().toString().equals(sha)).count()).isEqualTo(1);
        }
    }

    @Test
    void pathTraversalFileNamesNeverReachThePath() throws IOException {
        Path outside = mediaDir().getParent().resolve("wagw-escape.txt");
        Files.deleteIfExists(outside);
        String base64 = Base64.getEncoder().encodeToString("payload".getBytes());
        for (String name : List.of("../wagw-escape.txt", "..\\\\..\\\\wagw-escape.txt", "/etc/passwd", "..")) {
            Response r = post(media("media-traversal", "m-" + Math.abs(name.hashCode()), base64, name));
            assertThat(status(r)).isEqualTo("processed");
        }
        assertThat(outside).doesNotExist();
        try (Stream<Path> files = Files.walk(mediaDir())) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.matches("[0-9a-f]{64}"));
        }
        assertThat(jdbc.queryForList("SELECT media_filename FROM wa_messages WHERE session_id = 'media-traversal'", String.class))
                .containsExactlyInAnyOrder("wagw-escape.txt", "wagw-escape.txt", "passwd", null);
    }

    @Test
    void corruptBase64LeavesTheEventFailedAndStoredWhole() {
        Response r = post(media("media-corrupt", "m-bad", "not*base64!!", "x.png"));
        Map<String, Object> row = eventRow(r.json().path("eventId").asText());
        assertThat(row).containsEntry("status", "failed");
        assertThat((String) row.get("error")).contains("base64");
        assertThat((String) row.get("data_json")).contains("not*base64!!");
        try (Stream<Path> files = Files.walk(mediaDir().resolve("incoming"))) {
            assertThat(files.filter(Files::isRegularFile)).as("no partial file left").isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
