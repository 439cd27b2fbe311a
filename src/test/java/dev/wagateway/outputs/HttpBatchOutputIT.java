package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.security.HmacSha256;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.WebhookClient.Response;

/**
 * An HTTP output with batch-size: each request carries a JSON array of one session's envelopes, in the order they
 * were accepted, signed over the array; a batch that keeps failing becomes one dead letter per event, and a replay
 * sends that event alone, still as an array.
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + HttpBatchOutputIT.ADMIN,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.http.batched.secret=" + HttpBatchOutputIT.SECRET,
        "gateway.outputs.http.batched.batch-size=10",
        "gateway.outputs.delivery.retries=2",
        "gateway.outputs.delivery.retry-delay=50ms",
        "gateway.outputs.delivery.timeout=2s",
        "gateway.outputs.delivery.consumers=2"})
class HttpBatchOutputIT extends PostgresGatewayTest {

    static final String ADMIN = "admin-batches";
    static final String SECRET = "batch-secret-1";
    private static FakeEndpoint endpoint;
    private final ObjectMapper mapper = new ObjectMapper();

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) throws IOException {
        endpoint = new FakeEndpoint();
        registry.add("gateway.outputs.http.batched.url", endpoint::url);
    }

    @AfterAll
    static void stopEndpoint() {
        endpoint.close();
    }

    @BeforeEach
    void fresh() {
        endpoint.reset();
    }

    private String post(String session, int i) {
        Response r = client.post("/api/whatsapp/webhook",
                "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}");
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("eventId").asText();
    }

    /** The event ids the endpoint accepted, per session, in the order they arrived; checks each request's shape. */
    private Map<String, List<String>> arrivedBySession(List<Integer> sizes) throws IOException {
        Map<String, List<String>> bySession = new LinkedHashMap<>();
        for (FakeEndpoint.Received request : endpoint.accepted()) {
            JsonNode array = mapper.readTree(request.body());
            assertThat(array.isArray()).as("a batched output's body is an array").isTrue();
            assertThat(array.size()).isBetween(1, 10);
            assertThat(request.header("x-webhook-batch")).isEqualTo(String.valueOf(array.size()));
            assertThat(request.header("x-webhook-signature"))
                    .isEqualTo(new HmacSha256(SECRET).signatureHeader(request.body().getBytes(StandardCharsets.UTF_8)));
            String session = array.get(0).path("sessionId").asText();
            assertThat(request.header("x-webhook-event-id")).isEqualTo(array.get(0).path("eventId").asText());
            for (JsonNode envelope : array) {
                assertThat(envelope.path("sessionId").asText()).as("one session per request").isEqualTo(session);
                assertThat(envelope.path("event").asText()).isEqualTo("loading_screen");
                bySession.computeIfAbsent(session, s -> new ArrayList<>()).add(envelope.path("eventId").asText());
            }
            sizes.add(array.size());
        }
        return bySession;
    }

    @Test
    void eachRequestCarriesOneSessionsEventsInOrderAndEveryEventArrivesOnce() throws IOException {
        // A slow endpoint: while a request is out, the session's next events gather in the outbox for the next one.
        endpoint.delay(150);
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            a.add(post("batch-a", i));
            b.add(post("batch-b", i));
        }
        Await.until(Duration.ofSeconds(30), () -> endpoint.accepted().stream().mapToInt(r -> r.body().split("\"eventId\"").length - 1)
                .sum() >= 50, "all 50 events at the endpoint");

        List<Integer> sizes = new ArrayList<>();
        Map<String, List<String>> arrived = arrivedBySession(sizes);
        assertThat(arrived.get("batch-a")).as("session a: each once, in the order accepted").isEqualTo(a);
        assertThat(arrived.get("batch-b")).as("session b: each once, in the order accepted").isEqualTo(b);
        assertThat(sizes).as("events were batched").anyMatch(n -> n > 1);
        assertThat(sizes.size()).as("fewer requests than events").isLessThan(50);
        // the lane marks what it delivered right after its last request
        Await.until(Duration.ofSeconds(10), () -> count("wa_outbox") == 0, "the outbox emptied");
    }

    @Test
    void aBatchThatKeepsFailingBecomesOneDeadLetterPerEventAndEachReplaysAlone() throws IOException {
        endpoint.mode(FakeEndpoint.Mode.DOWN);
        List<String> ids = List.of(post("batch-dead", 1), post("batch-dead", 2), post("batch-dead", 3));
        Await.until(Duration.ofSeconds(20), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE output = 'http-batched' AND session_id = 'batch-dead' AND status = 'pending'",
                Long.class) == 3, "three dead letters");
        assertThat(count("wa_outbox")).as("the lane is not blocked by them").isZero();

        endpoint.mode(FakeEndpoint.Mode.UP);
        endpoint.reset();
        String second = jdbc.queryForObject("SELECT id FROM wa_dead_letters WHERE event_id = CAST(? AS uuid)", String.class, ids.get(1));
        Response replay = client.post("/api/whatsapp/dead-letters/" + second + "/replay", "",
                Map.of("Authorization", "Bearer " + ADMIN));
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("status").asText()).isEqualTo("resolved");

        List<Integer> sizes = new ArrayList<>();
        Map<String, List<String>> arrived = arrivedBySession(sizes);
        assertThat(sizes).containsExactly(1);
        assertThat(arrived.get("batch-dead")).containsExactly(ids.get(1));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_dead_letters WHERE session_id = 'batch-dead' AND status = 'pending'",
                Long.class)).isEqualTo(2);
    }
}
