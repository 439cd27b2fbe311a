package dev.wagateway.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.wagateway.events.EventEnvelope;

/**
 * The durable archive: every accepted event is one row of {@code wa_events}, committed before the webhook is
 * answered. One transaction per delivery holds the dedupe claim, the session's first row, everything the event's
 * route writes (it runs inside, on the same connection) and the event row with the route's outcome: one commit
 * per event. If the route fails, that transaction is rolled back and a second one stores the event alone, marked
 * failed with the error: a failing route never loses the event, and never leaves half its writes behind.
 */
public class EventArchive {

    private static final int MAX_ERROR = 2000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SqlCatalog sql;
    private final Duration dedupeWindow;
    /** Sessions known to have a row; saves one statement per event. Only a cache: the insert is idempotent. */
    private final Set<String> knownSessions = ConcurrentHashMap.newKeySet();

    public EventArchive(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, Duration dedupeWindow) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.sql = sql;
        this.dedupeWindow = dedupeWindow;
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
     * Stores the event and runs its route in the same transaction, unless {@code dedupeKey} was already claimed
     * for this session within the window (then nothing is written and the route does not run).
     *
     * @throws StorageUnavailableException when the database cannot take it
     * @throws UnstorableEventException when the database refuses the values themselves (bad input)
     */
    public Stored store(EventEnvelope e, String dedupeKey, String deliveryId, String authMethod, Route route) {
        RuntimeException[] routeFailure = new RuntimeException[1];
        try {
            Stored stored = tx.execute(status -> {
                String original = claim(e, dedupeKey);
                if (original != null) {
                    return new Stored(original, true, null);
                }
                ensureSession(e);
                String outcome;
                try {
                    outcome = route.run();
                } catch (Exception failure) {
                    routeFailure[0] = new RouteFailedException(failure);
                    throw routeFailure[0];
                }
                insert(e, deliveryId, authMethod, outcome, null);
                return new Stored(e.eventId(), false, outcome);
            });
            knownSessions.add(e.sessionId());
            return stored;
        } catch (RouteFailedException failed) {
            // The route's writes are rolled back; the event itself must still be kept.
            return storeFailed(e, dedupeKey, deliveryId, authMethod, failed.getCause());
        } catch (DataAccessException | TransactionException ex) {
            throw classify(e, ex);
        }
    }

    private Stored storeFailed(EventEnvelope e, String dedupeKey, String deliveryId, String authMethod, Throwable error) {
        try {
            return tx.execute(status -> {
                String original = claim(e, dedupeKey);
                if (original != null) {
                    return new Stored(original, true, null);
                }
                ensureSession(e);
                insert(e, deliveryId, authMethod, "failed", describe(error));
                return new Stored(e.eventId(), false, "failed");
            });
        } catch (DataAccessException | TransactionException ex) {
            throw classify(e, ex);
        }
    }

    /** Null when the claim is ours; else the event id that holds it (this delivery is a repeat). */
    private String claim(EventEnvelope e, String dedupeKey) {
        OffsetDateTime expires = e.receivedAt().plus(dedupeWindow);
        // One statement for a new delivery; only a key already taken costs more.
        if (jdbc.update(sql.get("dedupe/claim"), e.sessionId(), dedupeKey, e.eventId(), expires) == 1) {
            return null;
        }
        if (jdbc.update(sql.get("dedupe/release-expired"), e.sessionId(), dedupeKey, e.receivedAt()) == 1
                && jdbc.update(sql.get("dedupe/claim"), e.sessionId(), dedupeKey, e.eventId(), expires) == 1) {
            return null; // the old claim had expired: this is a new delivery
        }
        List<String> original = jdbc.queryForList(sql.get("dedupe/find"), String.class, e.sessionId(), dedupeKey);
        return original.isEmpty() ? e.eventId() : original.get(0);
    }

    private void ensureSession(EventEnvelope e) {
        if (!knownSessions.contains(e.sessionId())) {
            jdbc.update(sql.get("sessions/ensure"), e.sessionId(), e.receivedAt(), e.receivedAt());
        }
    }

    private void insert(EventEnvelope e, String deliveryId, String authMethod, String status, String error) {
        jdbc.update(sql.get("events/insert"), e.eventId(), e.sessionId(), e.event(), e.formatName(), e.sourceIp(),
                authMethod, e.receivedAt(), e.data().toString(), e.bodySha256(), deliveryId, status, error,
                "received".equals(status) ? null : OffsetDateTime.now());
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
        Throwable cause = ex.getMostSpecificCause();
        return cause instanceof SQLException sqlEx && sqlEx.getSQLState() != null && sqlEx.getSQLState().startsWith("22");
    }

    /** Carries a route's failure out of the transaction callback, so the transaction rolls back. */
    private static final class RouteFailedException extends RuntimeException {
        RouteFailedException(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
