package dev.wagateway.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import dev.wagateway.store.EventArchive.Delivery;
import dev.wagateway.store.EventArchive.Stored;

/**
 * Group commit for the archive. A request hands its delivery to one of a few writer threads and waits; each
 * writer takes everything that queued up while it was busy (up to {@code maxBatch}) and stores it in one
 * transaction, so under load many events share one commit and one connection instead of each holding its own.
 * The answer to each request still waits for the commit that holds its event.
 * <p>
 * A session's events always go to the same writer (by the session id's hash). Everything a route writes is keyed
 * by session, so two writers never wait on each other's rows (no deadlocks between batches), and a session's
 * events are stored and routed in the order they arrived. A batch that fails as a whole
 * because of one delivery (a route failed, a refused value, a deadlock with another batch) is stored again one
 * delivery at a time, so one bad event never takes the others down with it; a database that cannot be reached
 * fails the whole batch at once (503 to each sender).
 * <p>
 * Each writer's queue is bounded: a request normally waits for its own commit, so the queues hold at most one
 * delivery per request in flight, but while the database hangs, requests that gave up (commit timeout) leave their
 * deliveries behind until a writer gets to them. Past the bound the request is answered 503 at once.
 */
public class ArchiveWriters implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ArchiveWriters.class);

    private final EventArchive archive;
    private final int maxBatch;
    private final Duration commitTimeout;
    private final List<BlockingQueue<Pending>> queues = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean running = true;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong batchedEvents = new AtomicLong();
    private final AtomicLong batchFallbacks = new AtomicLong();

    public ArchiveWriters(EventArchive archive, int writerCount, int maxBatch, Duration commitTimeout, int maxQueued) {
        if (writerCount < 1 || maxBatch < 1 || commitTimeout.isNegative() || commitTimeout.isZero() || maxQueued < 1) {
            throw new IllegalArgumentException(
                    "gateway.archive.writers, max-batch, commit-timeout and max-queued must be positive");
        }
        this.archive = archive;
        this.commitTimeout = commitTimeout;
        this.maxBatch = maxBatch;
        for (int i = 0; i < writerCount; i++) {
            BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(Math.max(1, maxQueued / writerCount));
            queues.add(queue);
            Thread t = new Thread(() -> writeLoop(queue), "archive-writer-" + i);
            t.setDaemon(true);
            writers.add(t);
            t.start();
        }
    }

    /**
     * Stores the delivery (see {@link EventArchive#store(Delivery)}) and returns once it is committed.
     *
     * @throws StorageUnavailableException when the database cannot take it, or the gateway is shutting down
     * @throws UnstorableEventException when the database refuses the values themselves
     */
    public Stored store(Delivery delivery) {
        return await(enqueue(delivery), System.nanoTime() + commitTimeout.toNanos());
    }

    /**
     * Stores the deliveries of one request (a source that batches several events, routes/sources.yaml) and returns
     * once every one is committed, in their order. They are queued together: a session's go to the same writer
     * and are stored in order, usually in one transaction. If one cannot be stored the request fails (503) even if
     * others committed; each delivery carries the source's own repeat key, so the source's retry stores only what
     * is missing and answers the rest as duplicates.
     *
     * @throws StorageUnavailableException when the database cannot take one of them, or the gateway is shutting down
     * @throws UnstorableEventException when the database refuses the values of one of them
     */
    public List<Stored> storeAll(List<Delivery> deliveries) {
        long deadline = System.nanoTime() + commitTimeout.toNanos();
        List<Pending> pending = new ArrayList<>(deliveries.size());
        try {
            for (Delivery d : deliveries) {
                pending.add(enqueue(d));
            }
        } catch (StorageUnavailableException full) {
            withdraw(pending, full);
            throw full;
        }
        List<Stored> stored = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            try {
                stored.add(await(pending.get(i), deadline));
            } catch (RuntimeException failed) {
                withdraw(pending.subList(i + 1, pending.size()), failed);
                throw failed;
            }
        }
        return stored;
    }

    /** The deliveries no writer has taken yet are not stored: the request is answered with the failure. */
    private static void withdraw(List<Pending> pending, RuntimeException failure) {
        pending.forEach(p -> p.result().completeExceptionally(failure));
    }

    private Pending enqueue(Delivery delivery) {
        if (!running) {
            throw new StorageUnavailableException("the archive is shutting down", null);
        }
        Pending pending = new Pending(delivery, new CompletableFuture<>());
        if (!queues.get(Math.floorMod(delivery.envelope().sessionId().hashCode(), queues.size())).offer(pending)) {
            throw new StorageUnavailableException("event " + delivery.envelope().eventId()
                    + " refused: the archive writer's queue is full (is the database hanging?)", null);
        }
        return pending;
    }

    private Stored await(Pending pending, long deadlineNanos) {
        Delivery delivery = pending.delivery();
        try {
            return pending.result().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // A database that hangs must not hold the sender for ever. A delivery no writer has taken yet is
            // withdrawn; one already in a batch may still commit, and the sender's retry is then a duplicate.
            StorageUnavailableException late = new StorageUnavailableException("event "
                    + delivery.envelope().eventId() + " not committed within " + commitTimeout, null);
            if (pending.result().completeExceptionally(late)) {
                throw late;
            }
            return outcome(pending.result()); // it was done just as the wait ended
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while storing " + delivery.envelope().eventId(), e);
        } catch (ExecutionException e) {
            return outcome(pending.result());
        }
    }

    private static Stored outcome(CompletableFuture<Stored> done) {
        try {
            return done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new StorageUnavailableException("could not store the event", e.getCause());
        }
    }

    /** Deliveries waiting for a writer. */
    public int queued() {
        return queues.stream().mapToInt(BlockingQueue::size).sum();
    }

    /** Batches committed, the events they held, and the batches that had to be stored again one by one. */
    public long batches() { return batches.get(); }
    public long batchedEvents() { return batchedEvents.get(); }
    public long batchFallbacks() { return batchFallbacks.get(); }

    private void writeLoop(BlockingQueue<Pending> queue) {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                // A delivery whose sender stopped waiting (commit timeout) is not stored: it was answered 503.
                batch.removeIf(p -> p.result().isDone());
                if (!batch.isEmpty()) {
                    write(batch);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable unexpected) {
                // Never leave a request waiting: whatever escaped fails the deliveries it held.
                for (Pending p : batch) {
                    p.result().completeExceptionally(
                            new StorageUnavailableException("archive writer failed", unexpected));
                }
                log.error("archive writer failed on a batch of {}", batch.size(), unexpected);
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        if (batch.size() == 1) {
            storeAlone(batch.get(0));
            return;
        }
        List<Stored> results;
        try {
            results = archive.storeTogether(batch.stream().map(Pending::delivery).toList());
        } catch (StorageUnavailableException unavailable) {
            // The database itself is away: every request gets its 503 now, not one connection timeout after another.
            batch.forEach(p -> p.result().completeExceptionally(unavailable));
            return;
        } catch (EventArchive.BatchFailedException failed) {
            batchFallbacks.incrementAndGet();
            log.debug("a batch of {} events was rolled back ({}); storing them one by one", batch.size(),
                    failed.toString());
            batch.forEach(this::storeAlone);
            return;
        }
        batches.incrementAndGet();
        batchedEvents.addAndGet(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

    private void storeAlone(Pending p) {
        try {
            p.result().complete(archive.store(p.delivery()));
        } catch (RuntimeException e) {
            p.result().completeExceptionally(e);
        }
    }

    /** After the web server and Camel have stopped: what is queued is still written, then the writers end. */
    @Override
    public void destroy() throws InterruptedException {
        running = false;
        for (Thread t : writers) {
            t.join(10_000);
        }
        for (BlockingQueue<Pending> queue : queues) {
            Pending left;
            while ((left = queue.poll()) != null) {
                left.result().completeExceptionally(new StorageUnavailableException("the archive is shutting down", null));
            }
        }
    }

    private record Pending(Delivery delivery, CompletableFuture<Stored> result) {
    }
}
