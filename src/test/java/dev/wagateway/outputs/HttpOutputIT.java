package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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
 * HTTP forwarding against real HTTP servers started by the test: signed envelopes, event filters, retries, an
 * endpoint that fails then recovers, one down long enough to open its circuit (the first event dead-lettered, the
 * rest waiting until it recovers, the dead letter replayed), and one that hangs while the others keep receiving.
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + HttpOutputIT.ADMIN,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.http.main.secret=" + HttpOutputIT.SECRET,
        "gateway.outputs.http.filtered.events=qr,ready",
        "gateway.outputs.delivery.retries=3",
        "gateway.outputs.delivery.retry-delay=50ms",
        "gateway.outputs.delivery.timeout=1s",
        "gateway.outputs.delivery.window-size=6",
        "gateway.outputs.delivery.minimum-calls=6",
        "gateway.outputs.delivery.open-duration=3s",
        "gateway.outputs.delivery.consumers=2"})
class HttpOutputIT extends PostgresGatewayTest {

    static final String ADMIN = "admin-outputs";
    static final String SECRET = "forward-secret-1";
    private static FakeEndpoint main;
    private static FakeEndpoint filtered;
    private static FakeEndpoint stuck;
    private final ObjectMapper mapper = new ObjectMapper();

    @Autowired
    OutputRoutes outputs;

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) throws IOException {
        main = new FakeEndpoint();
        filtered = new FakeEndpoint();
        stuck = new FakeEndpoint();
        stuck.mode(FakeEndpoint.Mode.HANG);
        registry.add("gateway.outputs.http.main.url", main::url);
        registry.add("gateway.outputs.http.filtered.url", filtered::url);
        registry.add("gateway.outputs.http.stuck.url", stuck::url);
    }

    @AfterAll
    static void stopEndpoints() {
        main.close();
        filtered.close();
        stuck.close();
    }

    @BeforeEach
    void fresh() {
        main.reset();
        filtered.reset();
        outputs.circuit("http-main").reset();
        outputs.circuit("http-filtered").reset();
    }

    private String post(String body) {
        Response r = client.post("/api/whatsapp/webhook", body);
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("eventId").asText();
    }

    private static String event(String session, int i) {
        return "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}";
    }

    private long pendingDeadLetters(String output, String session) {
        return jdbc.queryForObject("SELECT count(*) FROM wa_dead_letters WHERE output = ? AND session_id = ? AND status = 'pending'",
                Long.class, output, session);
    }

    @Test
    void theEnvelopeIsForwardedSignedAndFilteredByEvent() throws Exception {
        String qrId = post(Samples.forSession("qr", "fwd-sign"));
        String msgId = post(Samples.forSession("message", "fwd-sign"));
        Await.until(Duration.ofSeconds(10), () -> main.acceptedTimes(qrId) == 1 && main.acceptedTimes(msgId) == 1, "both events at main");
        Await.until(Duration.ofSeconds(10), () -> filtered.acceptedTimes(qrId) == 1, "the qr at the filtered endpoint");

        FakeEndpoint.Received qr = main.accepted().stream().filter(r -> qrId.equals(r.header("x-webhook-event-id"))).findFirst().orElseThrow();
        assertThat(qr.header("x-webhook-signature"))
                .isEqualTo(new HmacSha256(SECRET).signatureHeader(qr.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(qr.header("content-type")).startsWith("application/json");
        // The receiver's contract is the X-Webhook-* headers, none of the routes' own (WaEventId, WaReceivedAt...).
        assertThat(qr.headers().keySet()).contains("x-webhook-event", "x-webhook-session", "x-webhook-event-id",
                "x-webhook-source").noneMatch(name -> name.startsWith("wa"));
        JsonNode envelope = mapper.readTree(qr.body());
        assertThat(envelope.path("eventId").asText()).isEqualTo(qrId);
        assertThat(envelope.path("sessionId").asText()).isEqualTo("fwd-sign");
        assertThat(envelope.path("event").asText()).isEqualTo("qr");
        assertThat(envelope.path("format").asText()).isEqualTo("whatsapp-api");
        assertThat(envelope.path("source").asText()).isEqualTo("wwebjs");
        assertThat(envelope.path("data").path("qr").asText()).startsWith("2@");
        assertThat(envelope.path("receivedAt").asText()).endsWith("Z");

        // The filtered endpoint takes qr and ready only, and has no secret: unsigned.
        Thread.sleep(300);
        assertThat(filtered.acceptedTimes(msgId)).isZero();
        assertThat(filtered.accepted().get(0).header("x-webhook-signature")).isNull();
    }

    @Test
    void anEndpointThatFailsThreeTimesThenRecoversGetsTheEventOnce() {
        main.failNext(3);
        String id = post(event("fwd-flap", 1));
        Await.until(Duration.ofSeconds(10), () -> main.acceptedTimes(id) == 1, "the delivery after three failures");
        assertThat(main.requests()).isEqualTo(4);
        assertThat(main.acceptedTimes(id)).isEqualTo(1);
        assertThat(pendingDeadLetters("http-main", "fwd-flap")).isZero();
    }

    @Test
    void anEndpointDownOpensItsCircuitTheRestWaitsAndEveryEventArrivesOnceAfterRecoveryAndReplay() throws Exception {
        main.mode(FakeEndpoint.Mode.DOWN);
        int n = 12;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant start = Instant.now();
            ids.add(post(event("fwd-down", i)));
            assertThat(Duration.between(start, Instant.now())).as("webhook answer while the output is down").isLessThan(Duration.ofSeconds(1));
        }
        // The first event spends its 4 attempts and is dead-lettered; the failures open the circuit, and while it is
        // open the session's other events wait in the outbox (nothing attempted, nothing counted).
        Await.until(Duration.ofSeconds(30), () -> pendingDeadLetters("http-main", "fwd-down") >= 1
                && outputs.circuit("http-main").getState() == CircuitBreaker.State.OPEN, "a dead letter and an open circuit");
        long deadLettered = pendingDeadLetters("http-main", "fwd-down");
        assertThat(deadLettered).as("the rest wait instead of being dead-lettered").isLessThan(n);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox WHERE output = 'http-main' AND session_id = 'fwd-down'",
                Long.class)).isGreaterThan(0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = 'fwd-down' AND status = 'processed'", Long.class))
                .as("the events themselves are stored and routed").isEqualTo(n);
        Response health = client.get("/actuator/health", Map.of("Authorization", "Bearer " + ADMIN));
        assertThat(health.body()).contains("\"http-main\"");

        Response list = client.get("/api/whatsapp/dead-letters?output=http-main&status=pending");
        assertThat(list.status()).as("the dead-letter list needs the admin key").isEqualTo(401);

        // The endpoint comes back: once the circuit lets calls through, the waiting events are delivered by
        // themselves, in order; the dead letters need a replay.
        main.mode(FakeEndpoint.Mode.UP);
        Await.until(Duration.ofSeconds(30), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE output = 'http-main' AND session_id = 'fwd-down'", Long.class) == 0,
                "the waiting events delivered");
        // A trial that fails (on a loaded machine the first call can outlast the 1 s attempt limit) re-opens the
        // circuit and leaves the rest pending: the operator replays again.
        long pending = pendingDeadLetters("http-main", "fwd-down");
        int replayed = 0;
        for (int round = 0; round < 3 && replayed < pending; round++) {
            Await.until(Duration.ofSeconds(15), () -> outputs.circuit("http-main").getState() != CircuitBreaker.State.OPEN,
                    "the circuit to let trial calls through");
            Response replay = client.post("/api/whatsapp/dead-letters/replay?output=http-main&limit=100", "",
                    Map.of("Authorization", "Bearer " + ADMIN));
            assertThat(replay.status()).isEqualTo(200);
            replayed += replay.json().path("delivered").asInt();
        }
        assertThat((long) replayed).isEqualTo(pending);
        for (String id : ids) {
            assertThat(main.acceptedTimes(id)).as("event %s", id).isEqualTo(1);
        }
        assertThat(pendingDeadLetters("http-main", "fwd-down")).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_dead_letters WHERE session_id = 'fwd-down' AND status = 'resolved'",
                Long.class)).isEqualTo(pending);
    }

    @Test
    void oneDeadLetterIsReplayedThroughTheApi() {
        main.mode(FakeEndpoint.Mode.DOWN);
        String id = post(event("fwd-one", 1));
        Await.until(Duration.ofSeconds(10), () -> pendingDeadLetters("http-main", "fwd-one") == 1, "the dead letter");
        String deadLetter = jdbc.queryForObject("SELECT id FROM wa_dead_letters WHERE session_id = 'fwd-one'", String.class);
        Map<String, String> admin = Map.of("Authorization", "Bearer " + ADMIN);

        assertThat(client.get("/api/whatsapp/dead-letters?output=http-main").status()).isEqualTo(401);
        JsonNode items = client.get("/api/whatsapp/dead-letters?output=http-main&status=pending", admin).json().path("items");
        assertThat(items).anySatisfy(item -> {
            assertThat(item.path("id").asText()).isEqualTo(deadLetter);
            assertThat(item.path("eventId").asText()).isEqualTo(id);
            assertThat(item.path("attempts").asInt()).isEqualTo(4);
            assertThat(item.path("error").asText()).contains("500");
        });

        Response stillDown = client.post("/api/whatsapp/dead-letters/" + deadLetter + "/replay", "", admin);
        assertThat(stillDown.status()).isEqualTo(502);
        assertThat(stillDown.json().path("status").asText()).isEqualTo("pending");
        assertThat(jdbc.queryForObject("SELECT attempts FROM wa_dead_letters WHERE id = CAST(? AS uuid)", Integer.class, deadLetter)).isEqualTo(8);

        main.mode(FakeEndpoint.Mode.UP);
        outputs.circuit("http-main").reset();
        Response delivered = client.post("/api/whatsapp/dead-letters/" + deadLetter + "/replay", "", admin);
        assertThat(delivered.status()).isEqualTo(200);
        assertThat(delivered.json().path("status").asText()).isEqualTo("resolved");
        assertThat(main.acceptedTimes(id)).isEqualTo(1);

        Response again = client.post("/api/whatsapp/dead-letters/" + deadLetter + "/replay", "", admin);
        assertThat(again.status()).isEqualTo(200);
        assertThat(main.acceptedTimes(id)).as("a resolved dead letter is not sent again").isEqualTo(1);
        assertThat(client.post("/api/whatsapp/dead-letters/00000000-0000-4000-8000-000000000000/replay", "", admin).status()).isEqualTo(404);
        assertThat(client.post("/api/whatsapp/dead-letters/nope/replay", "", admin).status()).isEqualTo(400);

        Response noneInRange = client.post("/api/whatsapp/dead-letters/replay?output=http-main&from=2999-01-01T00:00:00Z", "", admin);
        assertThat(noneInRange.json().path("attempted").asInt()).as("nothing pending in that range").isZero();
    }

    @Test
    void aHangingOutputDelaysNeitherTheWebhookNorTheOtherOutputs() {
        // "stuck" hangs on every request for the whole class; the other outputs and the webhook do not notice.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Instant start = Instant.now();
            ids.add(post(event("fwd-hang", i)));
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofMillis(1000));
        }
        Await.until(Duration.ofSeconds(10), () -> ids.stream().allMatch(id -> main.acceptedTimes(id) == 1), "all at main");
        assertThat(stuck.accepted()).isEmpty();
    }
}
