package dev.wagateway.store;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.shared.EnvelopeJson;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventIds;

/**
 * The dead-letter store: an event and the output it could not reach, with the error and how many attempts were
 * made. Written by the outbox workers when a delivery's retries are spent (in the transaction that takes it out
 * of the outbox); read and resolved by replays.
 */
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_ERROR = 2000;

    private final JdbcTemplate jdbc;
    private final SqlCatalog sql;

    public DeadLetters(JdbcTemplate jdbc, SqlCatalog sql) {
        this.jdbc = jdbc;
        this.sql = sql;
    }

    /** Records a failed delivery: a new dead letter, or more failed attempts on the one being replayed. */
    public String record(EventEnvelope envelope, String output, String error, int attempts, String replayOf) {
        return record(envelope, output, error, attempts, replayOf, null);
    }

    /** The same, keeping the delivery's W3C traceparent (null: tracing off) for the replay's spans. */
    public String record(EventEnvelope envelope, String output, String error, int attempts, String replayOf,
            String traceparent) {
        OffsetDateTime now = OffsetDateTime.now();
        String text = error == null ? "unknown error" : error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error;
        if (replayOf != null) {
            jdbc.update(sql.get("dead-letters/failed-again"), attempts, text, now, EventIds.uuid(replayOf));
            return replayOf;
        }
        String id = EventIds.next();
        jdbc.update(sql.get("dead-letters/insert"), EventIds.uuid(id), EventIds.uuid(envelope.eventId()),
                envelope.sessionId(), envelope.event(), output,
                new String(EnvelopeJson.write(envelope), StandardCharsets.UTF_8), text, attempts, now, now, traceparent);
        log.warn("event {} dead-lettered for output {} after {} attempt(s): {}", envelope.eventId(), output, attempts, text);
        return id;
    }

    /** The dead letter, or empty when there is none by that id (an id that is not a UUID names none). */
    public Optional<Map<String, Object>> find(String id) {
        if (!EventIds.isId(id)) {
            return Optional.empty();
        }
        List<Map<String, Object>> rows = jdbc.queryForList(sql.get("dead-letters/find"), EventIds.uuid(id));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public boolean resolve(String id) {
        return EventIds.isId(id)
                && jdbc.update(sql.get("dead-letters/resolve"), OffsetDateTime.now(), EventIds.uuid(id)) == 1;
    }

    public List<Map<String, Object>> list(String output, String status, int limit, int offset) {
        StringBuilder q = new StringBuilder(sql.get("dead-letters/list"));
        List<Object> args = new ArrayList<>();
        String glue = " WHERE ";
        if (output != null) {
            q.append(glue).append("output = ?");
            args.add(output);
            glue = " AND ";
        }
        if (status != null) {
            q.append(glue).append("status = ?");
            args.add(status);
        }
        q.append(" ORDER BY created_at DESC, id LIMIT ? OFFSET ?");
        args.add(limit);
        args.add(offset);
        return jdbc.queryForList(q.toString(), args.toArray());
    }

    /** How many dead letters each output has waiting for a replay (outputs with none are absent). */
    public Map<String, Long> pendingCounts() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        jdbc.queryForList(sql.get("dead-letters/pending-counts"))
                .forEach(row -> counts.put((String) row.get("output"), ((Number) row.get("pending")).longValue()));
        return counts;
    }

    /** Pending dead letters, oldest first, optionally of one output and within [from, to). */
    public List<String> pendingIds(String output, OffsetDateTime from, OffsetDateTime to, int limit) {
        StringBuilder q = new StringBuilder(sql.get("dead-letters/pending-ids"));
        List<Object> args = new ArrayList<>();
        if (output != null) {
            q.append(" AND output = ?");
            args.add(output);
        }
        if (from != null) {
            q.append(" AND created_at >= ?");
            args.add(from);
        }
        if (to != null) {
            q.append(" AND created_at < ?");
            args.add(to);
        }
        q.append(" ORDER BY created_at, id LIMIT ?");
        args.add(limit);
        return jdbc.queryForList(q.toString(), String.class, args.toArray());
    }
}
