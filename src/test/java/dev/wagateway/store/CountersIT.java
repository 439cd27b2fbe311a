package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.PayloadFormat;
import dev.wagateway.store.EventArchive.Delivery;
import dev.wagateway.support.Await;
import dev.wagateway.support.Counters;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The counters the sessions list and the throughput chart read (V10, V11) against count(*) on PostgreSQL, after
 * what a month of traffic does to them: a concurrent stream of every kind of event over many sessions with
 * repeat deliveries (by delivery id and by identical body) and events that tell of a message or call seen before,
 * an output that fails at random so its dead letters are replayed, and a retention run over old events.
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + CountersIT.ADMIN,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=1000000",
        "gateway.retention.archive-days=30",
        "gateway.retention.batch-size=7",
        "gateway.retention.initial-delay=1h",
        "gateway.retention.interval=1h",
        "gateway.outputs.delivery.retries=0",
        "gateway.outputs.delivery.retry-delay=10ms",
        "gateway.outputs.delivery.window-size=100000",
        "gateway.outputs.delivery.minimum-calls=100000"})
class CountersIT extends PostgresGatewayTest {

    static final String ADMIN = "admin-counters";
    private static final String[] SAMPLES = {"message", "message_ack", "message_create", "call", "loading_screen",
            "change_state", "ready", "media_uploaded"};
    private static FakeEndpoint flaky;

    @Autowired
    EventArchive archive;

    @Autowired
    ArchiveRetention retention;

    @DynamicPropertySource
    static void endpoint(DynamicPropertyRegistry registry) throws IOException {
        flaky = new FakeEndpoint();
        registry.add("gateway.outputs.http.flaky.url", flaky::url);
    }

    @AfterAll
    static void stopEndpoint() {
        flaky.close();
    }

    @Test
    void countersEqualCountAfterAMixedStreamReplaysAndRetention() throws Exception {
        // Forty days ago, through the archive itself: what retention will delete.
        OffsetDateTime old = OffsetDateTime.now(ZoneOffset.UTC).minusDays(40);
        for (int i = 0; i < 40; i++) {
            EventEnvelope e = new EventEnvelope(UUID.randomUUID().toString(), "c-" + (i % 10), "loading_screen",
                    JsonNodeFactory.instance.objectNode().put("percent", i), old.plusMinutes(i), PayloadFormat.WHATSAPP_API,
                    "127.0.0.1", "%064d".formatted(i));
            archive.store(new Delivery(e, "old-" + i, "hmac", () -> "processed"));
        }

        flaky.failRandomly(0.3);
        ExecutorService senders = Executors.newFixedThreadPool(8);
        AtomicInteger duplicates = new AtomicInteger();
        List<Future<?>> sent = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            sent.add(senders.submit(() -> {
                for (int i = 0; i < 60; i++) {
                    int n = thread * 60 + i;
                    String session = "c-" + (n % 20);
                    // Few message and call ids, so later events often tell of a message or call already stored.
                    String body = Samples.forSession(SAMPLES[n % SAMPLES.length], session)
                            .replaceAll("3EB0[0-9A-F]{16}", "M" + (n % 13))
                            .replace("F3C1B5E2A7D94C0B8E6A", "C" + (n % 5))
                            .replace("\"percent\":57", "\"percent\":" + n);
                    Response r = n % 4 == 0
                            ? client.post("/api/whatsapp/webhook", body)
                            // Delivery ids repeat (n and n + 140 are one session): the second of a pair is a duplicate.
                            : client.post("/api/whatsapp/webhook", body, Map.of("X-Delivery-Id", "d-" + (n % 140)));
                    assertThat(r.status()).isEqualTo(200);
                    if (r.json().path("duplicate").asBoolean()) {
                        duplicates.incrementAndGet();
                    }
                    if (n % 8 == 0) {
                        // The sender's retry of the same body without a delivery id: a duplicate, unless another
                        // thread's event for this session came between.
                        Response again = client.post("/api/whatsapp/webhook", body);
                        assertThat(again.status()).isEqualTo(200);
                        if (again.json().path("duplicate").asBoolean()) {
                            duplicates.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        senders.shutdown();
        assertThat(duplicates.get()).as("the stream held repeats").isGreaterThan(60);
        Counters.assertSessionCountsExact(jdbc);
        Counters.assertMinutesExact(jdbc);

        // The output comes back; its dead letters are replayed until none is pending.
        Await.until(Duration.ofSeconds(30), () -> count("wa_outbox") == 0, "the outbox drained");
        flaky.reset();
        Map<String, String> admin = Map.of("Authorization", "Bearer " + ADMIN);
        long deadLetters = jdbc.queryForObject("SELECT count(*) FROM wa_dead_letters WHERE status = 'pending'", Long.class);
        assertThat(deadLetters).as("the flaky output left dead letters").isPositive();
        for (int round = 0; round < 20 && pending() > 0; round++) {
            assertThat(client.post("/api/whatsapp/dead-letters/replay?output=http-flaky&limit=100", "", admin).status())
                    .isEqualTo(200);
        }
        assertThat(pending()).isZero();

        long before = count("wa_events");
        assertThat(retention.purge()).isEqualTo(40);
        assertThat(count("wa_events")).isEqualTo(before - 40);
        Counters.assertSessionCountsExact(jdbc);
        Counters.assertMinutesExact(jdbc);

        // What the API answers is those counts.
        JsonNode page = client.get("/api/whatsapp/sessions?limit=100", admin).json();
        long listed = 0;
        for (JsonNode s : page.path("items")) {
            listed += s.path("eventCount").asLong();
        }
        assertThat(listed).isEqualTo(count("wa_events"));
        JsonNode chart = client.get("/api/whatsapp/throughput?minutes=60", admin).json();
        long charted = 0;
        for (JsonNode m : chart.path("items")) {
            charted += m.path("events").asLong();
        }
        assertThat(charted).isEqualTo(jdbc.queryForObject(
                "SELECT count(*) FROM wa_events WHERE received_at >= ?", Long.class,
                OffsetDateTime.parse(chart.path("from").asText())));
    }

    private long pending() {
        return jdbc.queryForObject("SELECT count(*) FROM wa_dead_letters WHERE status = 'pending'", Long.class);
    }
}
