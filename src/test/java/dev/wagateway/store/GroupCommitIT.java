package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.PayloadFormat;
import dev.wagateway.store.EventArchive.Delivery;
import dev.wagateway.store.EventArchive.Stored;
import dev.wagateway.support.Await;
import dev.wagateway.support.SharedGatewayTest;

/**
 * Group commit on the real PostgreSQL server: deliveries that queue up while a writer is busy are stored in one
 * transaction, with the same outcomes as one by one. A first delivery holds the only writer (its route waits on
 * a latch) while the rest queue up, so the next batch is known to hold all of them.
 */
class GroupCommitIT extends SharedGatewayTest {

    @Autowired
    EventArchive archive;

    private ArchiveWriters writers;
    private ExecutorService senders;
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void oneWriter() {
        writers = new ArchiveWriters(archive, 1, 64, Duration.ofSeconds(30), 2000);
        senders = Executors.newFixedThreadPool(16);
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        senders.shutdownNow();
        writers.destroy();
    }

    @Test
    void queuedDeliveriesShareOneCommitAndEachKeepsItsOutcome() throws Exception {
        String session = "group-" + UUID.randomUUID();
        Future<Stored> holder = submit(delivery(session, "holder", this::awaitRelease));
        awaitHolderOnTheWriter();

        List<Future<Stored>> results = new ArrayList<>();
        List<String> callIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String callId = "call-" + i;
            callIds.add(callId);
            results.add(submit(delivery(session, "key-" + i, () -> insertCall(session, callId))));
        }
        // The same delivery id as key-3, queued in the same batch: a repeat of it.
        Future<Stored> repeat = submit(delivery(session, "key-3", () -> insertCall(session, "never")));
        Await.until(Duration.ofSeconds(5), () -> writers.queued() == 11, "11 deliveries queued behind the holder");
        release.countDown();

        assertThat(holder.get(10, TimeUnit.SECONDS).status()).isEqualTo("processed");
        List<String> eventIds = new ArrayList<>();
        for (Future<Stored> f : results) {
            Stored s = f.get(10, TimeUnit.SECONDS);
            assertThat(s.duplicate()).isFalse();
            assertThat(s.status()).isEqualTo("processed");
            eventIds.add(s.eventId());
        }
        Stored dup = repeat.get(10, TimeUnit.SECONDS);
        assertThat(dup.duplicate()).isTrue();
        assertThat(dup.eventId()).isEqualTo(eventIds.get(3));

        assertThat(writers.batches()).as("one batch for the 11 queued").isEqualTo(1);
        assertThat(writers.batchedEvents()).isEqualTo(11);
        assertThat(writers.batchFallbacks()).isZero();
        for (String id : eventIds) {
            assertThat(eventRow(id)).containsEntry("status", "processed");
        }
        assertThat(calls(session)).containsExactlyInAnyOrderElementsOf(callIds);
    }

    @Test
    void aFailingRouteInABatchFailsOnlyItsOwnEvent() throws Exception {
        String session = "group-fail-" + UUID.randomUUID();
        Future<Stored> holder = submit(delivery(session, "holder", this::awaitRelease));
        awaitHolderOnTheWriter();

        Future<Stored> before = submit(delivery(session, "a", () -> insertCall(session, "a")));
        Await.until(Duration.ofSeconds(5), () -> writers.queued() == 1, "a queued");
        Future<Stored> failing = submit(delivery(session, "b", () -> {
            insertCall(session, "b");
            throw new IllegalStateException("route b is broken");
        }));
        Await.until(Duration.ofSeconds(5), () -> writers.queued() == 2, "b queued");
        Future<Stored> after = submit(delivery(session, "c", () -> insertCall(session, "c")));
        Await.until(Duration.ofSeconds(5), () -> writers.queued() == 3, "c queued");
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);

        Stored a = before.get(10, TimeUnit.SECONDS);
        Stored b = failing.get(10, TimeUnit.SECONDS);
        Stored c = after.get(10, TimeUnit.SECONDS);
        assertThat(writers.batchFallbacks()).as("the batch was rolled back and stored one by one").isEqualTo(1);
        assertThat(a.status()).isEqualTo("processed");
        assertThat(c.status()).isEqualTo("processed");
        assertThat(b.status()).isEqualTo("failed");
        assertThat((String) eventRow(b.eventId()).get("error")).contains("route b is broken");
        assertThat(eventRow(a.eventId())).containsEntry("status", "processed");
        assertThat(eventRow(c.eventId())).containsEntry("status", "processed");
        // a's route ran twice (in the batch, then alone): its first write was rolled back with the batch.
        assertThat(calls(session)).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void aValueTheDatabaseRefusesInTheBatchFailsOnlyItsOwnDelivery() throws Exception {
        String session = "group-nul-" + UUID.randomUUID();
        Future<Stored> holder = submit(delivery(session, "holder", this::awaitRelease));
        awaitHolderOnTheWriter();

        Future<Stored> good = submit(delivery(session, "good", () -> "processed"));
        Await.until(Duration.ofSeconds(5), () -> writers.queued() == 1, "good queued");
        // Longer than the columns that hold a delivery id: the batch's statements are refused because of this one
        // (SQLState 22001).
        Delivery d = delivery(session, "too-long", () -> "processed");
        Future<Stored> refused = submit(new Delivery(d.envelope(), "x".repeat(300), "hmac", d.route()));
        Await.until(Duration.ofSeconds(5), () -> writers.queued() == 2, "the refused delivery queued");
        release.countDown();
        holder.get(10, TimeUnit.SECONDS);

        assertThat(good.get(10, TimeUnit.SECONDS).status()).isEqualTo("processed");
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnstorableEventException.class);
        assertThat(writers.batchFallbacks()).isEqualTo(1);
    }

    @Test
    void aRequestStopsWaitingAfterTheCommitTimeoutAndItsQueuedEventIsNotStored() throws Exception {
        writers.destroy();
        writers = new ArchiveWriters(archive, 1, 64, Duration.ofSeconds(2), 2000);
        String session = "group-timeout-" + UUID.randomUUID();
        Delivery held = delivery(session, "holder", this::awaitRelease);
        Future<Stored> holder = submit(held);
        awaitHolderOnTheWriter();
        Delivery late = delivery(session, "late", () -> insertCall(session, "late"));

        long start = System.nanoTime();
        assertThatThrownBy(() -> writers.store(late)).isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining("not committed within");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(5));

        // The holder's sender gave up too, but its event was already being written: it commits (a retry would be
        // answered as its duplicate).
        assertThatThrownBy(() -> holder.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StorageUnavailableException.class);
        release.countDown();
        Stored next = writers.store(delivery(session, "next", () -> "processed"));
        assertThat(next.status()).as("the writer goes on").isEqualTo("processed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE event_id = CAST(? AS uuid)", Long.class,
                late.envelope().eventId())).as("the withdrawn event").isZero();
        assertThat(eventRow(held.envelope().eventId())).containsEntry("status", "processed");
        assertThat(calls(session)).as("its route never ran").isEmpty();
    }

    @Test
    void pastTheQueueBoundARequestIsRefusedAtOnceAndTheQueuedOnesStillCommit() throws Exception {
        writers.destroy();
        writers = new ArchiveWriters(archive, 1, 64, Duration.ofSeconds(30), 3);
        String session = "group-bound-" + UUID.randomUUID();
        Future<Stored> holder = submit(delivery(session, "holder", this::awaitRelease));
        awaitHolderOnTheWriter();
        List<Future<Stored>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(submit(delivery(session, "queued-" + i, () -> "processed")));
        }
        Await.until(Duration.ofSeconds(5), () -> writers.queued() == 3, "three deliveries queued behind the holder");

        long start = System.nanoTime();
        assertThatThrownBy(() -> writers.store(delivery(session, "one-too-many", () -> "processed")))
                .isInstanceOf(StorageUnavailableException.class).hasMessageContaining("queue is full");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused without waiting").isLessThan(Duration.ofSeconds(1));

        release.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS).status()).isEqualTo("processed");
        for (Future<Stored> f : queued) {
            assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo("processed");
        }
    }

    private void awaitHolderOnTheWriter() throws InterruptedException {
        assertThat(holding.await(10, TimeUnit.SECONDS)).as("the holder's route running on the writer").isTrue();
    }

    private Future<Stored> submit(Delivery d) {
        return senders.submit(() -> writers.store(d));
    }

    /** The holder's route: it occupies the writer until the test releases it. */
    private String awaitRelease() throws InterruptedException {
        holding.countDown();
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        return "processed";
    }

    private String insertCall(String session, String callId) {
        jdbc.update("INSERT INTO wa_calls (session_id, call_id, raw_json, received_at) VALUES (?, ?, '{}', ?)",
                session, callId, OffsetDateTime.now());
        return "processed";
    }

    private List<String> calls(String session) {
        return jdbc.queryForList("SELECT call_id FROM wa_calls WHERE session_id = ?", String.class, session);
    }

    private static Delivery delivery(String session, String key, EventArchive.Route route) {
        EventEnvelope e = new EventEnvelope(UUID.randomUUID().toString(), session, "call",
                JsonNodeFactory.instance.objectNode().put("key", key), OffsetDateTime.now(), PayloadFormat.WHATSAPP_API,
                "127.0.0.1", "0".repeat(64));
        // Every test body hashes alike; the key is the sender's delivery id, which alone decides repeats.
        return new Delivery(e, key, "hmac", route);
    }
}
