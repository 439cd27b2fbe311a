package dev.wagateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.shared.Digests;
import dev.wagateway.support.GatewayProcess;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient.Response;
import dev.wagateway.support.WebhookClient;

/**
 * A 60 MB file (an 80 MB media event) goes through a gateway whose heap is capped at 224 MB: about 3.7 times the
 * file, the gateway's own ~50 MB of baseline included. The file is streamed from the raw body to disk; it is never
 * a Java string, never decoded in memory, never in the archive. The heap's high-water mark is printed.
 */
class LargeMediaIT {

    private static final int FILE_BYTES = 60 * 1024 * 1024;
    private static final int HEAP_MB = 224;

    @Test
    void aSixtyMegabyteFilePassesWithABoundedHeap() throws Exception {
        byte[] file = new byte[FILE_BYTES];
        new Random(42).nextBytes(file);
        String sha = Digests.hex(MessageDigest.getInstance("SHA-256").digest(file));
        byte[] body = ("{\"sessionId\":\"big-media\",\"dataType\":\"media\",\"data\":{\"messageMedia\":{\"mimetype\":\"video/mp4\","
                + "\"data\":\"" + Base64.getEncoder().encodeToString(file) + "\",\"filename\":\"big.mp4\",\"filesize\":" + FILE_BYTES
                + "},\"message\":{\"id\":{\"fromMe\":false,\"remote\":\"1@c.us\",\"id\":\"BIG\",\"_serialized\":\"false_1@c.us_BIG\"},"
                + "\"hasMedia\":true,\"type\":\"video\",\"timestamp\":1764312500,\"from\":\"1@c.us\",\"to\":\"2@c.us\",\"fromMe\":false}}}")
                .getBytes(StandardCharsets.US_ASCII);
        file = null; // the test JVM's copy is not the gateway's: it runs in a process of its own

        String database = TestPostgres.createDatabase("bigmedia");
        Path mediaDir = Files.createTempDirectory("wagw-bigmedia");
        try (GatewayProcess gateway = GatewayProcess.start(
                List.of("-Xmx" + HEAP_MB + "m", "-XX:+UseG1GC"),
                TestPostgres.gatewayArguments(database,
                        "--gateway.media.dir=" + mediaDir,
                        "--logging.level.root=WARN"))) {
            long before = gateway.peakHeapMb();
            Response r = new WebhookClient(gateway.port()).post("/api/whatsapp/webhook", body, Map.of());
            long peak = gateway.peakHeapMb();
            System.out.printf("large media: %d MB body, %d MB file, heap cap %d MB, heap high-water mark %d MB "
                    + "(before the request: %d MB)%n", body.length >> 20, FILE_BYTES >> 20, HEAP_MB, peak, before);

            assertThat(r.status()).as(gateway.output()).isEqualTo(200);
            assertThat(gateway.output()).doesNotContain("OutOfMemoryError");
            Path stored = mediaDir.resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
            assertThat(Files.size(stored)).isEqualTo(FILE_BYTES);

            JdbcTemplate jdbc = TestPostgres.jdbc(database);
            Map<String, Object> event = jdbc.queryForMap("SELECT status, length(data_json) AS size FROM wa_events WHERE session_id = 'big-media'");
            assertThat(event.get("status")).isEqualTo("processed");
            assertThat(((Number) event.get("size")).longValue()).as("the archive keeps a reference, not the file").isLessThan(2000);
            assertThat(jdbc.queryForObject("SELECT media_sha256 FROM wa_messages WHERE session_id = 'big-media'", String.class))
                    .isEqualTo(sha);
        }
    }
}
