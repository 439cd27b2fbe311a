package dev.wagateway.outputs;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

import dev.wagateway.shared.EventTracing;
import dev.wagateway.store.Outbox;

/**
 * Delivers what the outbox holds. Per output, a poller claims due lanes (one per session: {@link Outbox#claimLanes}),
 * as many as the output has room for, reads their deliveries in one statement and queues them for the output's
 * {@code consumers} threads; one thread delivers a lane's deliveries in order through the output's route
 * ({@link OutputDelivery}). A delivery the output took is deleted; a failed one is
 * retried with exponential backoff, or at the output's {@code retry-schedule} ({@link RetryPolicy}), until its
 * retries are spent, then dead-lettered, and the lane goes on with the next event. Its next try's time is kept on
 * its row, and no attempt is made before it. Under {@code order: session} (the default) the lane waits for it, so
 * the session's order holds; under {@code order: none} the lane goes on with the session's later events. While the
 * output's circuit is open nothing is attempted and nothing is counted: the lanes wait for it; while it is disabled
 * for failing ({@link FailingEndpoints}) no lane of it is claimed, and a lane in flight stops. Work starts once the application is ready (the
 * delivery routes exist) and, on a graceful stop, each lane finishes the attempt it is making and is handed back:
 * nothing delivered twice, nothing left behind. After a crash the dead instance's lanes are taken back within about
 * a second ({@link Outbox#takeBackDeadLeases}, every {@link #TAKEOVER_INTERVAL_MILLIS} and once at start, so a
 * restarted process takes back its predecessor's at once), or, where that cannot be told, when their leases run
 * out; whatever was delivered but not yet marked is delivered again (at least once: consumers drop repeats by
 * {@code eventId}).
 */
public class OutboxWorkers implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(OutboxWorkers.class);

    private final Outbox outbox;
    private final OutputCatalog catalog;
    private final OutputDelivery delivery;
    private final OutputStats stats;
    private final FailingEndpoints failing;
    private final Settings settings;
    private final RetryPolicy defaultRetry;
    private final EventTracing tracing;
    private final List<OutputWorker> workers = new ArrayList<>();
    private volatile boolean running;

    /** How the workers deliver, from gateway.outputs.delivery. */
    public record Settings(int consumers, int retries, Duration retryDelay, Duration timeout, int laneBatch,
            Duration lease, Duration pollInterval, Duration linger) {
        public Settings {
            if (consumers < 1 || laneBatch < 1 || retries < 0) {
                throw new IllegalArgumentException("gateway.outputs.delivery: consumers and lane-batch must be positive");
            }
            // A lane stops taking new deliveries when an attempt could outlast its lease: at least one must fit.
            if (lease.compareTo(timeout.plus(LEASE_MARGIN).multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("gateway.outputs.delivery.lease (" + lease
                        + ") must be at least twice timeout + " + LEASE_MARGIN.toSeconds() + " s");
            }
        }
    }

    /** Time kept in hand at the end of a lease, for marking what was delivered and handing the lane back. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(2);
    /**
     * Claims follow each other at least this far apart: every commit and every finished lane wakes the poller, and
     * one claim for all the lanes that came due in the meantime costs the database less than one claim each.
     */
    private static final long MIN_CLAIM_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * Lanes an output holds at most per consumer thread (claimed, read, being or waiting to be delivered). Over many
     * sessions a lane carries one or two deliveries, and a claim of one lane per free thread paid the claim, read
     * and release per delivery; a claim now takes as many lanes as its deliveries fit in the output's budget
     * ({@code consumers} x {@code lane-batch} in hand), up to this many per thread.
     */
    static final int LANES_PER_CONSUMER = 16;
    /**
     * How much delivery time an output queues ahead of each thread: enough that the next claim (20 ms apart) lands
     * before the threads run dry, little enough that a slow output does not hold lanes that another instance's idle
     * threads could deliver (a lane waiting in a queue is leased all the same).
     */
    static final long AHEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How often an instance looks for lanes leased by a dead one: two small queries, so a dead holder costs ~1 s. */
    static final long TAKEOVER_INTERVAL_MILLIS = 1000;
    private ScheduledExecutorService takeover;

    public OutboxWorkers(Outbox outbox, OutputCatalog catalog, OutputDelivery delivery, OutputStats stats,
            FailingEndpoints failing, Settings settings, EventTracing tracing) {
        this.tracing = tracing;
        this.outbox = outbox;
        this.failing = failing;
        this.catalog = catalog;
        this.delivery = delivery;
        this.stats = stats;
        this.settings = settings;
        this.defaultRetry = RetryPolicy.backoff(settings.retries(), settings.retryDelay());
    }

    @Override
    public void start() {
        running = true;
    }

    /** The delivery routes are created once Camel has started: only then do the workers begin. */
    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        synchronized (workers) {
            if (!running || !workers.isEmpty()) {
                return;
            }
            // Before the first claim: the lanes the process this one replaces held when it died go back now.
            takeBack();
            failing.start();
            for (OutputDefinition output : catalog.all()) {
                OutputWorker worker = new OutputWorker(output);
                workers.add(worker);
                worker.start();
            }
            outbox.onAdded(() -> workers.forEach(OutputWorker::wake));
            failing.onEnabled(name -> workers.stream().filter(w -> w.output.name().equals(name))
                    .forEach(OutputWorker::wake));
            takeover = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "outbox-takeover");
                t.setDaemon(true);
                return t;
            });
            takeover.scheduleWithFixedDelay(this::takeBack, TAKEOVER_INTERVAL_MILLIS, TAKEOVER_INTERVAL_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void takeBack() {
        try {
            int released = outbox.takeBackDeadLeases();
            if (released > 0) {
                log.info("outbox: {} lane(s) of a stopped instance taken back", released);
                synchronized (workers) {
                    workers.forEach(OutputWorker::wake);
                }
            }
        } catch (RuntimeException e) {
            // The database is away: the claims fail too; the next round tries again.
            log.debug("outbox: could not look for a dead instance's lanes: {}", e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
        synchronized (workers) {
            if (takeover != null) {
                takeover.shutdownNow();
            }
            failing.stop();
            workers.forEach(OutputWorker::stopClaiming);
            // One deadline for all outputs: each lane ends its current attempt, bounded by the attempt time limit.
            long deadline = System.nanoTime() + settings.timeout().plusSeconds(2).toNanos();
            for (OutputWorker worker : workers) {
                worker.awaitLanes(deadline);
            }
        }
        try {
            int released = outbox.releaseAll();
            if (released > 0) {
                log.info("outbox: {} lane(s) handed back on stop", released);
            }
        } catch (RuntimeException e) {
            log.warn("outbox: could not hand lanes back on stop (their leases will run out): {}", e.getMessage());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the web server's graceful-shutdown phase (when enabled) and before Camel (a lower phase). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2000;
    }

    /**
     * One attempt's spans, continued from the traceparent each outbox row kept: the first event's, whose context the
     * request carries to the receiver, and for a batch one more in each other event's trace, so every event's trace
     * shows every attempt that carried it. Output, attempt number, and afterwards the outcome ({@link #endAttempt}).
     */
    private List<Span> attemptSpans(OutputDefinition output, List<Outbox.Delivery> attempt, int attempts) {
        if (!tracing.on()) {
            return List.of(Span.NOOP);
        }
        List<Span> spans = new ArrayList<>(attempt.size());
        for (Outbox.Delivery d : attempt) {
            Span span = tracing.continueFrom(d.traceparent()).name("deliver " + output.name()).kind(Span.Kind.PRODUCER)
                    .tag(EventTracing.OUTPUT, output.name())
                    .tag(EventTracing.ATTEMPT, String.valueOf(attempts))
                    .tag(EventTracing.EVENT_ID, d.eventId())
                    .tag(EventTracing.SESSION, d.envelope().sessionId())
                    .tag(EventTracing.EVENT_TYPE, d.envelope().event())
                    .start();
            if (attempt.size() > 1) {
                span.tag(EventTracing.BATCH_SIZE, String.valueOf(attempt.size()));
            }
            spans.add(span);
        }
        return spans;
    }

    /** delivered, retry, dead_lettered, or circuit_open (the output was not called; the lane waits). */
    private static void endAttempt(List<Span> spans, String outcome, Throwable failure) {
        for (Span span : spans) {
            span.tag(EventTracing.OUTCOME, outcome);
            if (failure != null) {
                span.error(failure);
            }
            span.end();
        }
    }

    /** A batch shares its fate: each of its events counts the attempt (the most tried one decides). */
    private static int attemptNumber(List<Outbox.Delivery> attempt) {
        int most = 0;
        for (Outbox.Delivery d : attempt) {
            most = Math.max(most, d.attempts());
        }
        return most + 1;
    }

    /** A delivery whose planned retry is still ahead. */
    private static boolean notYetDue(Outbox.Delivery d) {
        return d.nextAttemptAt() != null && d.nextAttemptAt().isAfter(OffsetDateTime.now());
    }

    /** A claimed lane: its holder, when its lease ends, and its first deliveries, read with the claim's others. */
    private record Lane(String session, String holder, OffsetDateTime leaseEnd, List<Outbox.Delivery> waiting) {
    }

    /** One output's poller and lane threads. */
    private final class OutputWorker {

        private final OutputDefinition output;
        private final RetryPolicy retry;
        private final Thread poller;
        private final ExecutorService lanes;
        /** Lanes claimed and read, waiting for a free consumer thread. */
        private final BlockingQueue<Lane> queue = new LinkedBlockingQueue<>();
        private final Object signal = new Object();
        private boolean signalled;
        /** Lanes and deliveries held (queued or being delivered), guarded by {@link #signal}. */
        private int lanesInHand;
        private int deliveriesInHand;
        /** Of those, lanes being delivered, and the deliveries of the queued ones. */
        private int delivering;
        private int queuedDeliveries;
        /** Time per delivery, a moving average of the attempts' (consumer threads, racy: only an estimate). */
        private volatile double deliveryNanos = AHEAD_NANOS;
        private final int maxLanes;
        private final int maxDeliveries;
        /** Deliveries per lane in the last claim (poller only): how many lanes the next claim's budget fits. */
        private double perLane;
        private volatile boolean claiming = true;
        private boolean warned;
        private long lastClaim;

        OutputWorker(OutputDefinition output) {
            this.output = output;
            this.retry = output.retry() != null ? output.retry() : defaultRetry;
            this.maxLanes = settings.consumers() * LANES_PER_CONSUMER;
            this.maxDeliveries = settings.consumers() * settings.laneBatch();
            this.perLane = settings.laneBatch();
            AtomicInteger n = new AtomicInteger();
            this.lanes = Executors.newFixedThreadPool(settings.consumers(), r -> {
                Thread t = new Thread(r, "outbox-" + output.name() + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.poller = new Thread(this::poll, "outbox-" + output.name() + "-poller");
            this.poller.setDaemon(true);
        }

        void start() {
            for (int i = 0; i < settings.consumers(); i++) {
                lanes.execute(this::consume);
            }
            poller.start();
        }

        void wake() {
            synchronized (signal) {
                signalled = true;
                signal.notifyAll();
            }
        }

        void stopClaiming() {
            claiming = false;
            wake();
        }

        void awaitLanes(long deadline) {
            try {
                poller.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                lanes.shutdown();
                if (!lanes.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.warn("outbox: output {} still delivering at shutdown; its lanes go back when their leases end",
                            output.name());
                    lanes.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** How many lanes the next claim asks for (0: the output holds all it may; wait for a lane to finish). */
        private int room() {
            synchronized (signal) {
                int lanesFree = maxLanes - lanesInHand;
                int deliveriesFree = maxDeliveries - deliveriesInHand;
                if (lanesFree <= 0 || deliveriesFree <= 0) {
                    return 0;
                }
                // A free thread with nothing queued gets a lane; beyond that, about AHEAD_NANOS of work per thread.
                int idle = settings.consumers() - delivering - queue.size();
                double ahead = settings.consumers() * (AHEAD_NANOS / Math.max(1.0, deliveryNanos)) - queuedDeliveries;
                int want = Math.max(idle, (int) Math.ceil(Math.max(0, ahead) / perLane));
                return (int) Math.min(want, Math.min(lanesFree, Math.ceil(deliveriesFree / perLane)));
            }
        }

        private void poll() {
            while (claiming) {
                try {
                    int want = room();
                    if (want == 0) {
                        idle();
                        continue;
                    }
                    long gap = lastClaim + MIN_CLAIM_GAP_NANOS - System.nanoTime();
                    if (gap > 0) {
                        TimeUnit.NANOSECONDS.sleep(gap);
                    }
                    lastClaim = System.nanoTime();
                    want = Math.max(1, room());
                    Outbox.Claim claim = claiming ? outbox.claimLanes(output.name(), want, settings.lease()) : null;
                    List<String> claimed = claim == null ? List.of() : claim.sessions();
                    warned = false;
                    if (claimed.isEmpty()) {
                        idle();
                        continue;
                    }
                    OffsetDateTime leaseEnd = OffsetDateTime.now().plus(settings.lease());
                    hand(claim, claimed, leaseEnd);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    // The database is away (or the lanes' threads are shutting down): keep trying at the poll
                    // interval, quietly after the first warning. A lane claimed but not read goes back when its
                    // lease ends, or at once on a graceful stop.
                    if (!warned) {
                        log.warn("outbox: output {} could not claim deliveries: {}", output.name(), e.getMessage());
                        warned = true;
                    }
                    idle();
                }
            }
        }

        /**
         * Reads the claimed lanes' deliveries in one statement and queues the lanes for the consumer threads. Lanes
         * past the budget (a claim sized on light lanes that found heavy ones) go back at once, due now, so the
         * output holds about {@code consumers} x {@code lane-batch} deliveries and other instances get the rest.
         */
        private void hand(Outbox.Claim claim, List<String> claimed, OffsetDateTime leaseEnd) {
            Map<String, List<Outbox.Delivery>> read = outbox.deliveries(output.name(), claimed,
                    output.ordered() ? null : OffsetDateTime.now(), settings.laneBatch());
            int total = 0;
            for (List<Outbox.Delivery> waiting : read.values()) {
                total += waiting.size();
            }
            perLane = Math.max(1.0, (double) total / claimed.size());
            List<Outbox.Finished> surplus = new ArrayList<>();
            synchronized (signal) {
                for (Map.Entry<String, List<Outbox.Delivery>> lane : read.entrySet()) {
                    int size = lane.getValue().size();
                    if (lanesInHand > 0 && deliveriesInHand + size > maxDeliveries) {
                        surplus.add(new Outbox.Finished(lane.getKey(), claim.holder(), List.of(), OffsetDateTime.now()));
                        continue;
                    }
                    lanesInHand++;
                    deliveriesInHand += size;
                    queuedDeliveries += size;
                    queue.add(new Lane(lane.getKey(), claim.holder(), leaseEnd, lane.getValue()));
                }
            }
            outbox.finishLanes(output.name(), surplus);
        }

        private void idle() {
            synchronized (signal) {
                if (!signalled && claiming) {
                    try {
                        signal.wait(settings.pollInterval().toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                signalled = false;
            }
        }

        /**
         * One consumer thread: delivers queued lanes one after the other. What the lanes delivered is marked and
         * the lanes handed back together ({@link Finishing}), when the queue runs dry or the lanes' deliveries
         * reach {@code lane-batch}, so the release too is paid per batch rather than per lane.
         */
        private void consume() {
            Finishing finishing = new Finishing();
            try {
                while (true) {
                    Lane lane = queue.poll();
                    if (lane == null) {
                        finishing.flush();
                        if (!claiming && !poller.isAlive() && queue.isEmpty()) {
                            return;
                        }
                        lane = queue.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                        if (lane == null) {
                            continue;
                        }
                    }
                    synchronized (signal) {
                        delivering++;
                        queuedDeliveries -= lane.waiting().size();
                    }
                    if (finishing.deliveries + lane.waiting().size() > settings.laneBatch()) {
                        finishing.flush();
                    }
                    try {
                        deliverLane(lane, finishing);
                    } finally {
                        synchronized (signal) {
                            delivering--;
                            lanesInHand--;
                            deliveriesInHand -= lane.waiting().size();
                        }
                        wake();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finishing.flush();
            }
        }

        /** Lanes one consumer thread is done with and has not handed back yet (still leased to it). */
        private final class Finishing {
            private final List<Outbox.Finished> lanes = new ArrayList<>();
            private int deliveries;
            /** The earliest lease end among them: none may be handed back after it (another worker may hold it). */
            private OffsetDateTime leaseEnd;

            void add(Lane lane, List<Long> delivered, OffsetDateTime dueAt) {
                lanes.add(new Outbox.Finished(lane.session(), lane.holder(), delivered, dueAt));
                deliveries += delivered.size();
                if (leaseEnd == null || lane.leaseEnd().isBefore(leaseEnd)) {
                    leaseEnd = lane.leaseEnd();
                }
            }

            /** Before an attempt that could outlast a held lane's lease: hand the held ones back first. */
            void flushBefore(OffsetDateTime attemptEnd) {
                if (leaseEnd != null && attemptEnd.isAfter(leaseEnd)) {
                    flush();
                }
            }

            void flush() {
                if (lanes.isEmpty()) {
                    return;
                }
                try {
                    outbox.finishLanes(output.name(), lanes);
                } catch (RuntimeException e) {
                    // The database failed under us: what was delivered and not marked goes again after the lease.
                    log.warn("outbox: output {} could not hand back {} lane(s): {}", output.name(), lanes.size(),
                            e.getMessage());
                } finally {
                    lanes.clear();
                    deliveries = 0;
                    leaseEnd = null;
                }
            }
        }

        /** Delivers the lane's waiting events in order until it is empty, a delivery must wait, or time is up. */
        private void deliverLane(Lane lane, Finishing finishing) {
            String session = lane.session();
            String holder = lane.holder();
            OffsetDateTime leaseEnd = lane.leaseEnd();
            List<Long> delivered = new ArrayList<>();
            try {
                boolean ordered = output.ordered();
                List<Outbox.Delivery> waiting = lane.waiting();
                // Whether the lane's next due time is the earliest of its waiting deliveries' (order: none), not dueAgain.
                boolean fromRows = !ordered;
                // A lane this run empties gathers its next events for `linger` before it is claimed again: under load
                // that makes each claim, read and release carry many deliveries instead of one or two.
                OffsetDateTime dueAgain = waiting.size() < settings.laneBatch()
                        ? OffsetDateTime.now().plus(settings.linger()) : OffsetDateTime.now();
                int next = 0;
                while (next < waiting.size()) {
                    // Stop with time to spare: an attempt must never outlast the lease (another worker would start),
                    // and none starts once this instance cannot vouch for its lock (another may be taking the lane).
                    OffsetDateTime attemptEnd = OffsetDateTime.now().plus(settings.timeout()).plus(LEASE_MARGIN);
                    finishing.flushBefore(attemptEnd);
                    if (!running || attemptEnd.isAfter(leaseEnd) || !outbox.stillHeld(holder)) {
                        dueAgain = OffsetDateTime.now();
                        fromRows = false;
                        break;
                    }
                    if (failing.disabled(output.name())) {
                        // Disabled (here, or by another instance within the last second): what waits stays waiting,
                        // neither attempted nor dead-lettered, until an admin enables the output.
                        dueAgain = OffsetDateTime.now();
                        fromRows = false;
                        break;
                    }
                    Outbox.Delivery head = waiting.get(next);
                    if (ordered && notYetDue(head)) {
                        // Its planned retry has not come (the lane was due early, e.g. after a takeover): it waits,
                        // and the session's later events with it.
                        dueAgain = head.nextAttemptAt();
                        break;
                    }
                    if (head.envelope() == null) {
                        outbox.deadLetter(output.name(), head, session, head.attempts(), "the event is no longer in the archive");
                        stats.deadLettered(output.name());
                        next++;
                        continue;
                    }
                    // One event per attempt, or for a batched output the lane's next ones that are still archived.
                    List<Outbox.Delivery> attempt = new ArrayList<>();
                    for (int i = next; i < waiting.size() && attempt.size() < output.batchSize()
                            && waiting.get(i).envelope() != null && (i == next || !notYetDue(waiting.get(i))); i++) {
                        attempt.add(waiting.get(i));
                    }
                    next += attempt.size();
                    int attempts = attemptNumber(attempt);
                    List<Span> spans = attemptSpans(output, attempt, attempts);
                    Exception failure;
                    try (Tracer.SpanInScope scope = tracing.tracer().withSpan(spans.get(0))) {
                        long started = System.nanoTime();
                        failure = delivery.attempt(output, attempt.stream().map(Outbox.Delivery::envelope).toList());
                        deliveryNanos = 0.8 * deliveryNanos + 0.2 * (System.nanoTime() - started) / attempt.size();
                    }
                    if (failure == null) {
                        endAttempt(spans, "delivered", null);
                        attempt.forEach(d -> delivered.add(d.id()));
                        stats.sent(output.name(), attempt.size());
                        failing.succeeded(output);
                        continue;
                    }
                    if (OutputDelivery.refusedByOpenCircuit(failure)) {
                        endAttempt(spans, "circuit_open", null);
                        // Not an attempt: the output was not called. The lane waits, so an output that is down
                        // builds a backlog that drains when it recovers, instead of a pile of dead letters.
                        dueAgain = OffsetDateTime.now().plus(settings.retryDelay());
                        fromRows = false;
                        break;
                    }
                    stats.failed(output.name());
                    String error = OutputDelivery.describe(failure);
                    log.debug("output {}: attempt {} of event {} ({} in the delivery) failed: {}", output.name(), attempts,
                            head.eventId(), attempt.size(), error);
                    Duration wait = retry.delayAfter(attempts, ThreadLocalRandom.current()::nextDouble);
                    endAttempt(spans, wait == null ? "dead_lettered" : "retry", failure);
                    // The failure clock; true when the output has failed for its disable-after and is now off.
                    boolean off = failing.failed(output, error);
                    if (wait == null) {
                        // Marked before the dead letters, so the lane's earlier deliveries are not sent again. Each
                        // event becomes its own dead letter, replayed on its own.
                        outbox.delivered(delivered);
                        delivered.clear();
                        for (Outbox.Delivery d : attempt) {
                            outbox.deadLetter(output.name(), d, session, attempts, error);
                            stats.deadLettered(output.name());
                        }
                        if (off) {
                            break;
                        }
                        continue;
                    }
                    OffsetDateTime retryAt = OffsetDateTime.now().plus(wait);
                    for (Outbox.Delivery d : attempt) {
                        outbox.failedAttempt(d.id(), attempts, error, retryAt);
                    }
                    if (ordered || off) {
                        dueAgain = retryAt;
                        break;
                    }
                    // order: none: the session's later events go on; this one comes back at retryAt.
                }
                if (fromRows) {
                    outbox.finishUnorderedLane(output.name(), session, holder, delivered, dueAgain);
                } else {
                    finishing.add(lane, delivered, dueAgain);
                }
            } catch (RuntimeException e) {
                // The database failed under us: what was delivered and not marked goes again after the lease.
                log.warn("outbox: output {} lane {} interrupted: {}", output.name(), session, e.getMessage());
            }
        }
    }
}
