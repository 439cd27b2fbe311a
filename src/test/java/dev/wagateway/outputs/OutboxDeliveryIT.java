package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The outbox on PostgreSQL, over real HTTP: a session's events reach an output in the order they were accepted,
 * with two sessions posted concurrently and an endpoint that fails at random (retries must not reorder); a
 * delivery that dead-letters lets the session's later events through; the lag is visible in health and metrics.
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + OutboxDeliveryIT.ADMIN_KEY,   // health details and metrics need it
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.delivery.retries=3",
        "gateway.outputs.delivery.retry-delay=20ms",
        "gateway.outputs.delivery.timeout=2s",
        // The random failures must not open the circuit: these tests are about order, not about the breaker.
        "gateway.outputs.delivery.failure-rate-threshold=100",
        "gateway.outputs.delivery.consumers=4",
        "gateway.outputs.delivery.lane-batch=10"})
class OutboxDeliveryIT extends PostgresGatewayTest {

    static final String ADMIN_KEY = "outbox-admin";
    static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_KEY);

    private static FakeEndpoint endpoint;
    private final ObjectMapper mapper = new ObjectMapper();

    @Autowired
    OutputRoutes outputs;

    @DynamicPropertySource
    static void output(DynamicPropertyRegistry registry) throws IOException {
        endpoint = new FakeEndpoint();
        registry.add("gateway.outputs.http.ordered.url", endpoint::url);
    }

    @AfterAll
    static void stopEndpoint() {
        endpoint.close();
    }

    @BeforeEach
    void fresh() {
        endpoint.reset();
        outputs.circuit("http-ordered").reset();
    }

    private static String event(String session, int i) {
        return "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}";
    }

    /** The event ids the endpoint took for a session, in the order they arrived. */
    private List<String> arrivedFor(String session) {
        List<String> ids = new ArrayList<>();
        for (FakeEndpoint.Received r : endpoint.accepted()) {
            if (session.equals(r.header("x-webhook-session"))) {
                ids.add(r.header("x-webhook-event-id"));
            }
        }
        return ids;
    }

    private List<String> postAll(String session, int n, String poisonAt) {
        WebhookClient own = new WebhookClient(port);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = i == Integer.parseInt(poisonAt == null ? "-1" : poisonAt)
                    ? "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + ",\"message\":\"refuse-me\"}}"
                    : event(session, i);
            Response r = own.post("/api/whatsapp/webhook", body);
            assertThat(r.status()).isEqualTo(200);
            ids.add(r.json().path("eventId").asText());
        }
        return ids;
    }

    @Test
    void eachSessionsEventsArriveInTheOrderTheyWereAcceptedThroughRandomFailures() throws Exception {
        endpoint.failRandomly(0.2);
        int n = 60;
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            Future<List<String>> a = senders.submit(() -> postAll("order-a", n, null));
            Future<List<String>> b = senders.submit(() -> postAll("order-b", n, null));
            List<String> acceptedA = a.get(60, TimeUnit.SECONDS);
            List<String> acceptedB = b.get(60, TimeUnit.SECONDS);

            Await.until(Duration.ofSeconds(60), () -> jdbc.queryForObject(
                    "SELECT count(*) FROM wa_outbox WHERE session_id IN ('order-a', 'order-b')", Long.class) == 0,
                    "both sessions' deliveries done");
            assertThat(endpoint.requests()).as("some attempts failed and were retried").isGreaterThan(2 * n);
            // 4 failed attempts in a row (p = 0.2^4 per event) dead-letter an event: it is the only one missing.
            List<String> deadLettered = jdbc.queryForList(
                    "SELECT event_id FROM wa_dead_letters WHERE session_id IN ('order-a', 'order-b')", String.class);
            assertThat(deadLettered.size()).isLessThanOrEqualTo(3);
            acceptedA.removeAll(deadLettered);
            acceptedB.removeAll(deadLettered);
            assertThat(arrivedFor("order-a")).containsExactlyElementsOf(acceptedA);
            assertThat(arrivedFor("order-b")).containsExactlyElementsOf(acceptedB);
        } finally {
            senders.shutdownNow();
        }
    }

    @Test
    void aDeliveryThatDeadLettersDoesNotBlockTheSessionsLaterEvents() {
        endpoint.refuseBodiesContaining("refuse-me");
        List<String> ids = postAll("order-poison", 6, "2");

        Await.until(Duration.ofSeconds(20), () -> arrivedFor("order-poison").size() == 5, "the five other events");
        List<String> expected = new ArrayList<>(ids);
        String poisoned = expected.remove(2);
        assertThat(arrivedFor("order-poison")).containsExactlyElementsOf(expected);
        Await.until(Duration.ofSeconds(5), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE event_id = CAST(? AS uuid) AND output = 'http-ordered' AND attempts = 4",
                Long.class, poisoned) == 1, "the refused event dead-lettered after its 4 attempts");
        Await.until(Duration.ofSeconds(5), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE session_id = 'order-poison'", Long.class) == 0, "an empty outbox");
    }

    @Test
    void theLagIsVisibleInHealthAndMetricsAndDrainsWhenTheEndpointRecovers() throws Exception {
        endpoint.mode(FakeEndpoint.Mode.DOWN);
        // Each failing attempt takes 1.5 s: the head is still being tried, the session's other events wait behind it.
        endpoint.delay(1500);
        List<String> ids = postAll("lag", 5, null);
        Thread.sleep(2500); // past the 2 s the backlog reading is kept

        JsonNode health = mapper.readTree(client.get("/actuator/health", ADMIN).body());
        JsonNode details = health.findValue("http-ordered");
        assertThat(details).as("the output in %s", health).isNotNull();
        assertThat(details.path("backlog").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(details.path("oldestWaitingSeconds").asLong()).isGreaterThanOrEqualTo(1);
        JsonNode metric = mapper.readTree(client.get("/actuator/metrics/wagateway.output.backlog?tag=output:http-ordered", ADMIN).body());
        assertThat(metric.path("measurements").get(0).path("value").asDouble()).isGreaterThanOrEqualTo(4);
        assertThat(client.get("/actuator/metrics/wagateway.output.backlog.oldest.seconds", ADMIN).status()).isEqualTo(200);

        endpoint.mode(FakeEndpoint.Mode.UP);
        endpoint.delay(0);
        Await.until(Duration.ofSeconds(20), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE session_id = 'lag'", Long.class) == 0, "the backlog drained");
        List<String> arrived = arrivedFor("lag");
        // The head may have dead-lettered while the endpoint was down; whatever arrived came in order.
        assertThat(ids).containsSubsequence(arrived);
    }
}
