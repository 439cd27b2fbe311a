package dev.wagateway.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.wagateway.events.EventEnvelope;

/**
 * The durable archive: every accepted event is one row of {@code wa_events}, committed before the webhook is
 * answered. The dedupe claim, the event row and the session's first row go in one transaction, so a delivery is
 * either wholly stored (and later repeats are recognised) or not at all (and the sender can retry).
 */
public class EventArchive {

    private static final Logger log = LoggerFactory.getLogger(EventArchive.class);
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

    /** What storing a delivery came to: newly stored, or a repeat of {@code eventId}. */
    public record Stored(String eventId, boolean duplicate) {
    }

    /**
     * Stores the event unless {@code dedupeKey} was already claimed for this session within the window.
     *
     * @throws StorageUnavailableException when the database cannot take it
     * @throws UnstorableEventException when the database refuses the values themselves (bad input)
     */
    public Stored store(EventEnvelope e, String dedupeKey, String deliveryId, String authMethod) {
        try {
            Stored stored = tx.execute(status -> {
                OffsetDateTime expires = e.receivedAt().plus(dedupeWindow);
                jdbc.update(sql.get("dedupe/release-expired"), e.sessionId(), dedupeKey, e.receivedAt());
                int claimed = jdbc.update(sql.get("dedupe/claim"), e.sessionId(), dedupeKey, e.eventId(), expires);
                if (claimed == 0) {
                    List<String> original = jdbc.queryForList(sql.get("dedupe/find"), String.class, e.sessionId(), dedupeKey);
                    return new Stored(original.isEmpty() ? e.eventId() : original.get(0), true);
                }
                jdbc.update(sql.get("events/insert"), e.eventId(), e.sessionId(), e.event(), e.formatName(),
                        e.sourceIp(), authMethod, e.receivedAt(), e.data().toString(), e.bodySha256(), deliveryId);
                if (!knownSessions.contains(e.sessionId())) {
                    jdbc.update(sql.get("sessions/ensure"), e.sessionId(), e.receivedAt(), e.receivedAt());
                }
                return new Stored(e.eventId(), false);
            });
            knownSessions.add(e.sessionId());
            return stored;
        } catch (DataAccessException ex) {
            if (isDataError(ex)) {
                throw new UnstorableEventException("the database refused a value of this event", ex);
            }
            throw new StorageUnavailableException("could not store event " + e.eventId(), ex);
        } catch (TransactionException ex) {
            // No connection to begin with, or the commit/rollback itself failed: nothing is known to be stored.
            throw new StorageUnavailableException("could not store event " + e.eventId(), ex);
        }
    }

    /** The event went through its route ({@code processed}) or fell to the catch-all ({@code unrouted}). */
    public void markDone(String eventId, String status) {
        jdbc.update(sql.get("events/mark-done"), status, OffsetDateTime.now(), eventId);
    }

    /** Records a route's failure on the event. Never throws: the webhook has already been promised a 200. */
    public void markFailed(String eventId, Throwable error) {
        String text = error == null ? "unknown error" : error.getClass().getSimpleName() + ": " + error.getMessage();
        if (text.length() > MAX_ERROR) {
            text = text.substring(0, MAX_ERROR);
        }
        try {
            jdbc.update(sql.get("events/mark-failed"), text, OffsetDateTime.now(), eventId);
        } catch (DataAccessException ex) {
            log.error("event {} failed ({}) and its failure could not be recorded: {}", eventId, text, ex.getMessage());
        }
    }

    /** SQLState class 22 (data exception, e.g. a NUL character PostgreSQL text cannot hold) is the input's fault. */
    private static boolean isDataError(DataAccessException ex) {
        Throwable cause = ex.getMostSpecificCause();
        return cause instanceof SQLException sqlEx && sqlEx.getSQLState() != null && sqlEx.getSQLState().startsWith("22");
    }
}
