package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.StandardWebhooksNode;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * Our Standard Webhooks signatures as a receiver sees them: a Node.js receiver (src/test/node/standard-webhooks-receiver)
 * that verifies every request with the published npm package {@code standardwebhooks} and answers 2xx only when it
 * verifies. npm installs the package (pinned by the lockfile) into target/ once; without Node.js, npm or the
 * registry the test fails, it is not skipped. Covered: a plain delivery, a rotation (two secrets, the receiver
 * knowing only the new one, then only the old one, then neither), a retried delivery and a replayed dead letter
 * (same webhook-id, a later timestamp), and a batch (the array is what is signed).
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + StandardWebhooksReceiverIT.ADMIN,
        "gateway.outputs.http.single.signature=standard-webhooks",
        "gateway.outputs.http.single.secret=" + StandardWebhooksReceiverIT.OLD,
        "gateway.outputs.http.rotating.signature=standard-webhooks",
        "gateway.outputs.http.rotating.secret=" + StandardWebhooksReceiverIT.NEW,
        "gateway.outputs.http.rotating.secrets[0]=" + StandardWebhooksReceiverIT.OLD,
        "gateway.outputs.http.rotating.events=ready",
        "gateway.outputs.http.batched.signature=standard-webhooks",
        "gateway.outputs.http.batched.secret=" + StandardWebhooksReceiverIT.NEW,
        "gateway.outputs.http.batched.batch-size=10",
        "gateway.outputs.http.batched.events=loading_screen",
        "gateway.outputs.delivery.retries=3",
        "gateway.outputs.delivery.retry-delay=50ms",
        "gateway.outputs.delivery.timeout=5s"})
class StandardWebhooksReceiverIT extends PostgresGatewayTest {

    static final String ADMIN = "admin-standard-webhooks";
    /** The specification's example secret, and one of our own (24 random-looking bytes). */
    static final String OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String NEW = "whsec_dGhlIG5ldyBrZXkgb2YgdGhlIHJvdGF0aW9u";
    private static final Path INSTALLED = StandardWebhooksNode.INSTALLED;

    private static Process node;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper mapper = new ObjectMapper();

    @Autowired
    OutputRoutes outputs;

    @DynamicPropertySource
    static void receiver(DynamicPropertyRegistry registry) throws Exception {
        StandardWebhooksNode.install();
        int port = startReceiver();
        base = "http://127.0.0.1:" + port;
        registry.add("gateway.outputs.http.single.url", () -> base + "/hook/single");
        registry.add("gateway.outputs.http.rotating.url", () -> base + "/hook/rotating");
        registry.add("gateway.outputs.http.batched.url", () -> base + "/hook/batched");
    }

    private static int startReceiver() throws Exception {
        node = new ProcessBuilder("node", "server.js", "0").directory(INSTALLED.toFile())
                .redirectError(INSTALLED.resolve("receiver.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(30, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("listening ")) {
            throw new IllegalStateException("the receiver did not start: " + line + " "
                    + Files.readString(INSTALLED.resolve("receiver.err")));
        }
        return Integer.parseInt(line.substring("listening ".length()).trim());
    }

    @AfterAll
    static void stopReceiver() {
        if (node != null) {
            node.destroy();
        }
    }

    @BeforeEach
    void fresh() {
        outputs.circuit("http-single").reset();
        outputs.circuit("http-rotating").reset();
        outputs.circuit("http-batched").reset();
    }

    private void control(String receiver, String settings) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/control/" + receiver))
                .PUT(HttpRequest.BodyPublishers.ofString(settings)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(204);
    }

    /** What the receiver got, in arrival order, for one event (by the X-Webhook-Event-Id header). */
    private List<JsonNode> deliveries(String receiver, String eventId) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/control/" + receiver)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode d : mapper.readTree(r.body())) {
                if (eventId.equals(d.path("eventId").asText())) {
                    out.add(d);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String post(String body) {
        Response r = client.post("/api/whatsapp/webhook", body);
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("eventId").asText();
    }

    private static String ready(String session) {
        return "{\"sessionId\":\"" + session + "\",\"event\":\"ready\"}";
    }

    @Test
    void theReceiverVerifiesAPlainDeliveryWithTheLibrary() throws Exception {
        control("single", "{\"secret\":\"" + OLD + "\"}");
        long before = Instant.now().getEpochSecond();
        String id = post(Samples.forSession("message", "swh-plain"));
        Await.until(Duration.ofSeconds(15), () -> deliveries("single", id).size() == 1, "the delivery");

        JsonNode d = deliveries("single", id).get(0);
        assertThat(d.path("verified").asBoolean()).as("verified by standardwebhooks: %s", d).isTrue();
        assertThat(d.path("status").asInt()).isEqualTo(204);
        assertThat(d.path("webhookId").asText()).as("webhook-id is the event id").isEqualTo(id);
        assertThat(d.path("payloadEventId").asText()).isEqualTo(id);
        assertThat(d.path("signatures").asInt()).isEqualTo(1);
        assertThat(d.path("timestamp").asLong()).isBetween(before, Instant.now().getEpochSecond());
    }

    @Test
    void duringARotationAReceiverKnowingEitherSecretVerifiesAndOneKnowingNeitherRefuses() throws Exception {
        control("rotating", "{\"secret\":\"" + NEW + "\"}");
        String first = post(ready("swh-rotate-1"));
        Await.until(Duration.ofSeconds(15), () -> deliveries("rotating", first).size() == 1, "the delivery under the new secret");
        JsonNode d = deliveries("rotating", first).get(0);
        assertThat(d.path("verified").asBoolean()).as("%s", d).isTrue();
        assertThat(d.path("signatures").asInt()).as("one signature per secret").isEqualTo(2);

        control("rotating", "{\"secret\":\"" + OLD + "\"}");
        String second = post(ready("swh-rotate-2"));
        Await.until(Duration.ofSeconds(15), () -> deliveries("rotating", second).size() == 1, "the delivery under the old secret");
        assertThat(deliveries("rotating", second).get(0).path("verified").asBoolean()).isTrue();

        // The receiver really checks: with a secret the gateway does not have, the library refuses (401) and the
        // gateway retries.
        control("rotating", "{\"secret\":\"whsec_" + java.util.Base64.getEncoder()
                .encodeToString("a secret nobody gave us".getBytes(StandardCharsets.UTF_8)) + "\"}");
        String third = post(ready("swh-rotate-3"));
        Await.until(Duration.ofSeconds(15), () -> !deliveries("rotating", third).isEmpty(), "the refused delivery");
        JsonNode refused = deliveries("rotating", third).get(0);
        assertThat(refused.path("verified").asBoolean()).isFalse();
        assertThat(refused.path("status").asInt()).isEqualTo(401);
        control("rotating", "{\"secret\":\"" + NEW + "\"}");
        Await.until(Duration.ofSeconds(15), () -> deliveries("rotating", third).stream().anyMatch(x -> x.path("status").asInt() == 204)
                || jdbc.queryForObject("SELECT count(*) FROM wa_dead_letters WHERE event_id = CAST(? AS uuid)", Long.class, third) == 1,
                "a retry that verifies, or the dead letter");
    }

    @Test
    void aRetriedDeliveryKeepsItsWebhookId() throws Exception {
        control("single", "{\"secret\":\"" + OLD + "\",\"fail\":{\"swh-retry\":1}}");
        String id = post(ready("swh-retry"));
        Await.until(Duration.ofSeconds(15), () -> deliveries("single", id).size() == 2, "the failed attempt and its retry",
                () -> deliveries("single", id).toString());

        List<JsonNode> attempts = deliveries("single", id);
        assertThat(attempts).extracting(a -> a.path("status").asInt()).containsExactly(500, 204);
        assertThat(attempts).allSatisfy(a -> {
            assertThat(a.path("verified").asBoolean()).as("%s", a).isTrue();
            assertThat(a.path("webhookId").asText()).isEqualTo(id);
        });
        assertThat(attempts.get(1).path("timestamp").asLong()).isGreaterThanOrEqualTo(attempts.get(0).path("timestamp").asLong());
    }

    @Test
    void aReplayedDeadLetterKeepsItsWebhookIdAndIsSignedAtTheReplay() throws Exception {
        control("single", "{\"secret\":\"" + OLD + "\",\"fail\":{\"swh-replay\":4}}");
        String id = post(ready("swh-replay"));
        Await.until(Duration.ofSeconds(15), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE event_id = CAST(? AS uuid) AND output = 'http-single' AND status = 'pending'",
                Long.class, id) == 1, "the dead letter after four refused attempts");
        List<JsonNode> failed = deliveries("single", id);
        assertThat(failed).hasSize(4).allSatisfy(a -> assertThat(a.path("status").asInt()).isEqualTo(500));
        long lastFailed = failed.get(3).path("timestamp").asLong();

        Thread.sleep(1_100);   // so that the replay's webhook-timestamp is visibly its own
        String deadLetter = jdbc.queryForObject("SELECT id FROM wa_dead_letters WHERE event_id = CAST(? AS uuid) AND output = 'http-single'",
                String.class, id);
        outputs.circuit("http-single").reset();
        Response replay = client.post("/api/whatsapp/dead-letters/" + deadLetter + "/replay", "",
                Map.of("Authorization", "Bearer " + ADMIN));
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);

        List<JsonNode> all = deliveries("single", id);
        assertThat(all).hasSize(5);
        JsonNode replayed = all.get(4);
        assertThat(replayed.path("verified").asBoolean()).as("%s", replayed).isTrue();
        assertThat(replayed.path("status").asInt()).isEqualTo(204);
        assertThat(replayed.path("webhookId").asText()).isEqualTo(id);
        assertThat(replayed.path("timestamp").asLong()).isGreaterThan(lastFailed);
    }

    @Test
    void aBatchIsSignedOverTheArrayThatIsSent() throws Exception {
        control("batched", "{\"secret\":\"" + NEW + "\"}");
        // While the circuit is held open the session's deliveries wait in the outbox; closed again, the lane sends
        // them as one batch, so the array signed and verified is surely one of several events.
        outputs.circuit("http-batched").transitionToForcedOpenState();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(post("{\"sessionId\":\"swh-batch\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}"));
        }
        Await.until(Duration.ofSeconds(15), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE output = 'http-batched' AND session_id = 'swh-batch'", Long.class) == 5,
                "the five deliveries waiting");
        outputs.circuit("http-batched").reset();
        Await.until(Duration.ofSeconds(15), () -> !deliveries("batched", ids.get(0)).isEmpty(), "the batch");

        JsonNode batch = deliveries("batched", ids.get(0)).get(0);
        assertThat(batch.path("verified").asBoolean()).as("%s", batch).isTrue();
        List<String> carried = new ArrayList<>();
        batch.path("payloadEventId").forEach(e -> carried.add(e.asText()));
        assertThat(carried).isEqualTo(ids);
        assertThat(batch.path("webhookId").asText()).as("a batch's own id, not its first event's").startsWith("batch_");
    }
}
