package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.store.Outbox;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;

/**
 * Many sessions with a few events each (issue 22): a claim takes more lanes than the output has threads, reads
 * all their deliveries in one statement, and each session's events still arrive in the order they were accepted.
 */
@TestPropertySource(properties = {
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.delivery.consumers=2",
        "gateway.outputs.delivery.lane-batch=10"})
class OutboxManyLanesIT extends PostgresGatewayTest {

    private static FakeEndpoint endpoint;

    @Autowired
    Outbox outbox;

    @DynamicPropertySource
    static void output(DynamicPropertyRegistry registry) throws IOException {
        endpoint = new FakeEndpoint();
        registry.add("gateway.outputs.http.lanes.url", endpoint::url);
    }

    @AfterAll
    static void stopEndpoint() {
        endpoint.close();
    }

    /**
     * An output no worker serves ("idle"), so the test alone claims: 30 lanes in one claim, one lease statement,
     * and one read that gives each lane its own first rows in id order (the rows of the sessions interleaved in the
     * table), with the due filter of {@code order: none}; then all handed back in one commit.
     */
    @Test
    void oneClaimLeasesAndReadsManyLanesEachInItsOrder() {
        List<String> sessions = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            sessions.add("many-" + s + "-" + System.nanoTime());
            jdbc.update("INSERT INTO wa_outbox_lanes (output, session_id, due_at) VALUES ('idle', ?, now())", sessions.get(s));
        }
        Map<String, List<Long>> ids = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            for (String session : sessions) {
                // Round 1's row of each session waits for a retry an hour ahead.
                OffsetDateTime retryAt = round == 1 ? OffsetDateTime.now().plusHours(1) : null;
                Long id = jdbc.queryForObject("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at,"
                        + " next_attempt_at) VALUES ('idle', ?, CAST(? AS uuid), 0, now(), ?) RETURNING id", Long.class,
                        session, UUID.randomUUID().toString(), retryAt);
                ids.computeIfAbsent(session, k -> new ArrayList<>()).add(id);
            }
        }

        Outbox.Claim claim = outbox.claimLanes("idle", 64, Duration.ofMinutes(1));
        assertThat(claim.sessions()).containsExactlyInAnyOrderElementsOf(sessions);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox_lanes WHERE output = 'idle' AND leased_by = ?"
                + " AND lease_until > now()", Long.class, claim.holder())).isEqualTo(30);
        assertThat(outbox.claimLanes("idle", 64, Duration.ofMinutes(1)).sessions()).as("leased: not claimed twice").isEmpty();

        Map<String, List<Outbox.Delivery>> heads = outbox.deliveries("idle", claim.sessions(), null, 3);
        Map<String, List<Outbox.Delivery>> due = outbox.deliveries("idle", claim.sessions(), OffsetDateTime.now(), 3);
        for (String session : sessions) {
            List<Long> all = ids.get(session);
            assertThat(heads.get(session)).extracting(Outbox.Delivery::id).as(session).containsExactlyElementsOf(all.subList(0, 3));
            assertThat(due.get(session)).extracting(Outbox.Delivery::id).as(session)
                    .containsExactly(all.get(0), all.get(2), all.get(3));
            // The events are not archived: the delivery says so (it would be dead-lettered).
            assertThat(heads.get(session)).allSatisfy(d -> assertThat(d.envelope()).isNull());
        }

        List<Outbox.Finished> finished = new ArrayList<>();
        for (String session : sessions) {
            finished.add(new Outbox.Finished(session, claim.holder(), List.of(ids.get(session).get(0)), OffsetDateTime.now()));
        }
        outbox.finishLanes("idle", finished);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox WHERE output = 'idle'", Long.class)).isEqualTo(30 * 4);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox_lanes WHERE output = 'idle' AND leased_by IS NULL",
                Long.class)).isEqualTo(30);
    }

    /**
     * 60 sessions of 4 events each to an output with 2 threads and a slow endpoint: the output holds more lanes
     * than threads at once (it claimed them ahead, so no thread waits for a claim), and every session's events
     * arrive once each, in order.
     */
    @Test
    void manyLightLanesAreClaimedAheadOfTheThreadsAndKeepTheirOrder() throws Exception {
        endpoint.reset();
        endpoint.delay(15);
        Map<String, List<String>> accepted = new LinkedHashMap<>();
        AtomicInteger mostLeased = new AtomicInteger();
        Thread watch = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Long leased = jdbc.queryForObject("SELECT count(*) FROM wa_outbox_lanes WHERE output = 'http-lanes'"
                        + " AND leased_by IS NOT NULL", Long.class);
                mostLeased.accumulateAndGet(leased.intValue(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watch.start();
        try {
            for (int round = 0; round < 4; round++) {
                for (int s = 0; s < 60; s++) {
                    String session = "light-" + s;
                    var r = client.post("/api/whatsapp/webhook", "{\"sessionId\":\"" + session
                            + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + round + "}}");
                    assertThat(r.status()).isEqualTo(200);
                    accepted.computeIfAbsent(session, k -> new ArrayList<>()).add(r.json().path("eventId").asText());
                }
            }
            Await.until(Duration.ofSeconds(60), () -> jdbc.queryForObject(
                    "SELECT count(*) FROM wa_outbox WHERE output = 'http-lanes'", Long.class) == 0, "every delivery made");
        } finally {
            watch.interrupt();
            watch.join();
        }
        assertThat(mostLeased.get()).as("lanes held at once by an output of 2 threads").isGreaterThan(2);
        Map<String, List<String>> arrived = new HashMap<>();
        for (FakeEndpoint.Received r : endpoint.accepted()) {
            arrived.computeIfAbsent(r.header("x-webhook-session"), k -> new ArrayList<>()).add(r.header("x-webhook-event-id"));
        }
        for (Map.Entry<String, List<String>> session : accepted.entrySet()) {
            assertThat(arrived.get(session.getKey())).as(session.getKey()).containsExactlyElementsOf(session.getValue());
        }
        Await.until(Duration.ofSeconds(5), () -> jdbc.queryForObject("SELECT count(*) FROM wa_outbox_lanes"
                + " WHERE output = 'http-lanes' AND leased_by IS NOT NULL", Long.class) == 0, "every lane handed back");
    }
}
