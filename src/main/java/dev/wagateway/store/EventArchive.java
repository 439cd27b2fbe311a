package dev.wagateway.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventIds;

/**
 * The durable archive: every accepted event is one row of {@code wa_events}, committed before the webhook is
 * answered. One transaction holds the repeat decision ({@link RepeatCheck}: the session row locked, its previous
 * event compared and moved), the session's first row, everything the event's route writes
 * (it runs inside, on the same connection), the event row with the route's outcome and the outbox rows of the
 * outputs that want it ({@link Outbox}): one commit per event, or
 * per batch of events under group commit ({@link ArchiveWriters}). If the route fails, that transaction is rolled
 * back and a second one stores the event alone, marked failed with the error: a failing route never loses the
 * event, and never leaves half its writes behind.
 */
public class EventArchive {

    private static final int MAX_ERROR = 2000;


    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SqlCatalog sql;
    private final Duration dedupeWindow;
    private final Outbox outbox;
    private final String countMinute;
    /**
     * Shards of the throughput rollup (wa_event_minutes): the archive writer count. A session's shard is its id's
     * hash modulo this, as its writer is (ArchiveWriters), so each shard row belongs to one writer of an instance
     * and writers never wait on each other's rows. Instances with the same writer count share rows; the rollup is
     * written last, so a shared row is held only through the commit. More shards would cost the read: the chart
     * adds up minutes x types x shards rows (64 made the 1440-minute chart read about as many rows as the archive
     * held events at 100 events a minute; docs/performance.md "Reads at scale").
     */
    private final int minuteShards;
    /** Sessions known to have a row; saves one statement per event. Only a cache: the insert is idempotent. */
    private final Set<String> knownSessions = ConcurrentHashMap.newKeySet();

    /**
     * {@code dialect}: postgresql or h2, for the one statement they say differently (the rollup's upsert);
     * {@code minuteShards}: the archive writer count (see {@link #minuteShards}).
     */
    public EventArchive(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, Duration dedupeWindow, Outbox outbox,
            String dialect, int minuteShards) {
        this.minuteShards = Math.max(1, minuteShards);
        this.countMinute = sql.get(dialect + "/events/count-minute");
        this.jdbc = jdbc;
        this.tx = tx;
        this.sql = sql;
        this.dedupeWindow = dedupeWindow;
        this.outbox = outbox;
    }

    /** What storing a delivery came to: newly stored (with its route's outcome), or a repeat of {@code eventId}. */
    public record Stored(String eventId, boolean duplicate, String status) {
    }

    /** The event's route, run inside the archive transaction; returns the status to store (processed, unrouted). */
    @FunctionalInterface
    public interface Route {
        String run() throws Exception;
    }

    /**
     * One delivery to store: the event, the sender's delivery id (or null), how it authenticated, its route, how
     * long its delivery id makes a repeat a duplicate (null: the archive's dedupe window; a source that retries for
     * days, as Meta does, needs longer), and the W3C traceparent its outbox rows carry to the outputs' attempts
     * (null while tracing is off).
     */
    public record Delivery(EventEnvelope envelope, String deliveryId, String authMethod, Route route, Duration repeatWindow,
            String traceparent) {

        /** The longest traceparent kept (version 00 is 55 characters); anything longer is not ours, and dropped. */
        static final int MAX_TRACEPARENT = 64;

        public Delivery {
            if (traceparent != null && traceparent.length() > MAX_TRACEPARENT) {
                traceparent = null;
            }
        }

        public Delivery(EventEnvelope envelope, String deliveryId, String authMethod, Route route, Duration repeatWindow) {
            this(envelope, deliveryId, authMethod, route, repeatWindow, null);
        }

        public Delivery(EventEnvelope envelope, String deliveryId, String authMethod, Route route) {
            this(envelope, deliveryId, authMethod, route, null, null);
        }
    }

    /**
     * Stores one delivery and runs its route in a transaction of its own, unless it repeats an accepted event (see
     * {@link RepeatCheck}: then nothing is written and the route does not run). If the route fails,
     * its writes are rolled back and the event is stored alone, marked failed with the error.
     *
     * @throws StorageUnavailableException when the database cannot take it
     * @throws UnstorableEventException when the database refuses the values themselves (bad input)
     */
    public Stored store(Delivery d) {
        try {
            return storeAllInOneTransaction(List.of(d)).get(0);
        } catch (RouteFailedException failed) {
            // The route's writes are rolled back; the event itself must still be kept.
            return storeFailed(d, failed.getCause());
        } catch (DataAccessException | TransactionException ex) {
            throw classify(d.envelope(), ex);
        }
    }

    /**
     * Stores several deliveries in one transaction, in order, each as {@link #store(Delivery)} would: one commit for
     * all of them (group commit). All or nothing: if any route or statement fails, everything is rolled back and
     * the exception is thrown; the caller then stores them one by one, which keeps each failure to its own event.
     * Routes that ran before the failure run again then, so their writes outside the database must be idempotent.
     *
     * @throws BatchFailedException when one of the deliveries (or a deadlock with another batch) failed the batch:
     *     storing them one by one will keep the others
     * @throws StorageUnavailableException when the database could not be used at all
     */
    public List<Stored> storeTogether(List<Delivery> batch) {
        try {
            return storeAllInOneTransaction(batch);
        } catch (RouteFailedException failed) {
            throw new BatchFailedException(failed.getCause());
        } catch (DataAccessException | TransactionException ex) {
            if (isCausedByOneDelivery(ex)) {
                throw new BatchFailedException(ex);
            }
            throw new StorageUnavailableException("could not store a batch of " + batch.size() + " events", ex);
        }
    }

    /**
     * The batch's own statements go to the database as JDBC batches (the delivery-id claims in one round trip, the
     * event rows in another, the sessions' previous events in a third); the session locks take one round trip per
     * session, and the routes' statements are sent one by one.
     */
    private List<Stored> storeAllInOneTransaction(List<Delivery> batch) {
        List<Delivery> accepted = new ArrayList<>(batch.size());
        Outbox.Owed[] owed = {Outbox.Owed.NOTHING};
        List<Stored> stored = tx.execute(status -> {
            accepted.clear();
            RepeatCheck repeats = new RepeatCheck(jdbc, sql, dedupeWindow);
            repeats.lock(batch, this::ensureSession);
            List<Stored> results = new ArrayList<>(batch.size());
            List<Object[]> rows = new ArrayList<>(batch.size());
            for (Delivery d : batch) {
                EventEnvelope e = d.envelope();
                String original = repeats.originalOf(d);
                if (original != null) {
                    results.add(new Stored(original, true, null));
                    continue;
                }
                String outcome;
                try {
                    outcome = d.route().run();
                } catch (Exception failure) {
                    throw new RouteFailedException(failure);
                }
                rows.add(eventArgs(e, d.deliveryId(), d.authMethod(), outcome, null));
                results.add(new Stored(e.eventId(), false, outcome));
                accepted.add(d);
            }
            repeats.save();
            if (!rows.isEmpty()) {
                jdbc.batchUpdate(sql.get("events/insert"), rows);
            }
            // What each output owes commits with the events, or not at all.
            owed[0] = outbox.add(accepted);
            countMinutes(accepted);
            return results;
        });
        batch.forEach(d -> knownSessions.add(d.envelope().sessionId()));
        outbox.committed(owed[0]);
        return stored;
    }

    private Stored storeFailed(Delivery d, Throwable error) {
        EventEnvelope e = d.envelope();
        Outbox.Owed[] owed = {Outbox.Owed.NOTHING};
        try {
            Stored stored = tx.execute(status -> {
                RepeatCheck repeats = new RepeatCheck(jdbc, sql, dedupeWindow);
                repeats.lock(List.of(d), this::ensureSession);
                String original = repeats.originalOf(d);
                if (original != null) {
                    return new Stored(original, true, null);
                }
                repeats.save();
                insert(e, d.deliveryId(), d.authMethod(), "failed", describe(error));
                owed[0] = outbox.add(List.of(d));
                countMinutes(List.of(d));
                return new Stored(e.eventId(), false, "failed");
            });
            outbox.committed(owed[0]);
            return stored;
        } catch (DataAccessException | TransactionException ex) {
            throw classify(e, ex);
        }
    }

    /**
     * Raises the throughput rollup by the events this transaction accepted, one row per (minute, type, shard) in
     * one JDBC batch, in key order so two transactions that meet on rows never deadlock. Last before the commit:
     * a row another instance shares is held for as short a time as possible.
     */
    private void countMinutes(List<Delivery> events) {
        if (events.isEmpty()) {
            return;
        }
        Map<String, Object[]> rows = new TreeMap<>();
        for (Delivery d : events) {
            EventEnvelope e = d.envelope();
            OffsetDateTime minute = e.receivedAt().withOffsetSameInstant(ZoneOffset.UTC)
                    .truncatedTo(ChronoUnit.MINUTES);
            int shard = Math.floorMod(e.sessionId().hashCode(), minuteShards);
            String key = minute + " " + e.event() + " " + shard;
            Object[] row = rows.computeIfAbsent(key, k -> new Object[] {minute, e.event(), shard, 0L});
            row[3] = (Long) row[3] + 1;
        }
        jdbc.batchUpdate(countMinute, new ArrayList<>(rows.values()));
    }

    private void ensureSession(EventEnvelope e) {
        if (!knownSessions.contains(e.sessionId())) {
            jdbc.update(sql.get("sessions/ensure"), e.sessionId(), e.receivedAt(), e.receivedAt());
        }
    }

    private void insert(EventEnvelope e, String deliveryId, String authMethod, String status, String error) {
        jdbc.update(sql.get("events/insert"), eventArgs(e, deliveryId, authMethod, status, error));
    }

    private static Object[] eventArgs(EventEnvelope e, String deliveryId, String authMethod, String status, String error) {
        return new Object[] {EventIds.uuid(e.eventId()), e.sessionId(), e.event(), e.formatName(), e.sourceIp(), authMethod,
                e.receivedAt(), e.data().toString(), e.bodySha256(), deliveryId, status, error,
                "received".equals(status) ? null : OffsetDateTime.now(), e.source()};
    }

    private RuntimeException classify(EventEnvelope e, RuntimeException ex) {
        if (ex instanceof DataAccessException dae && isDataError(dae)) {
            return new UnstorableEventException("the database refused a value of this event", ex);
        }
        // No connection, a failed statement, or the commit itself failed: nothing is known to be stored.
        return new StorageUnavailableException("could not store event " + e.eventId(), ex);
    }

    private static String describe(Throwable error) {
        String text = error == null ? "unknown error" : error.getClass().getSimpleName() + ": " + error.getMessage();
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
    }

    /** SQLState class 22 (data exception, e.g. a NUL character PostgreSQL text cannot hold) is the input's fault. */
    private static boolean isDataError(DataAccessException ex) {
        String state = sqlState(ex);
        return state != null && state.startsWith("22");
    }

    /**
     * Data (22) and integrity (23) errors belong to one delivery's values; transaction rollbacks (40: deadlock,
     * serialization) to its timing against another batch. Anything else (no connection, 08) fails every delivery.
     */
    private static boolean isCausedByOneDelivery(RuntimeException ex) {
        String state = sqlState(ex);
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("40"));
    }

    /** The database's SQLState behind a failure, or null when it did not come from a statement. */
    private static String sqlState(RuntimeException ex) {
        Throwable cause = ex instanceof DataAccessException dae ? dae.getMostSpecificCause() : ex.getCause();
        return cause instanceof SQLException sqlEx ? sqlEx.getSQLState() : null;
    }

    /** A batch was rolled back because of one of its deliveries: store them one by one. */
    public static final class BatchFailedException extends RuntimeException {
        BatchFailedException(Throwable cause) {
            super(cause == null ? "batch failed" : cause.toString(), cause, false, false);
        }
    }

    /** Carries a route's failure out of the transaction callback, so the transaction rolls back. */
    private static final class RouteFailedException extends RuntimeException {
        RouteFailedException(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
