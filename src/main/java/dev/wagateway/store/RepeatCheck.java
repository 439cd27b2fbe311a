package dev.wagateway.store;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventIds;
import dev.wagateway.store.EventArchive.Delivery;

/**
 * Decides, inside the archive transaction, which deliveries of a batch repeat an accepted one. A delivery is a
 * repeat only when
 * <ul>
 * <li>it carries a sender delivery id already accepted for its session within the window (the delivery's own
 * {@code repeatWindow} when it has one; a delivery id decides alone: a new id is a new event whatever its body), or</li>
 * <li>it has no delivery id and its body is byte-identical to the <em>previous</em> accepted event of its session,
 * accepted within the window: what a sender's, proxy's or load balancer's retry looks like.</li>
 * </ul>
 * The session rows are locked ({@code FOR UPDATE}, all of a batch's in one statement and in session order, so two
 * batches never deadlock on them) before anything is decided, so a concurrent delivery for the same session, on
 * another writer or another instance, waits for this transaction and then compares with its outcome. One instance of this class serves one
 * transaction.
 */
final class RepeatCheck {

    /** The session's previous accepted event, as this transaction sees it. */
    private record Previous(String eventId, String bodySha256, OffsetDateTime acceptedAt) {
    }

    private final JdbcTemplate jdbc;
    private final SqlCatalog sql;
    private final Duration window;
    private final Map<String, Previous> previous = new HashMap<>();
    private final Set<String> moved = new TreeSet<>();
    /** Per session: how many new events this transaction accepted (its event_count rises by that much). */
    private final Map<String, Integer> accepted = new HashMap<>();
    /** Per delivery with an id: whether the claim was new (1) or taken (0). */
    private final Map<Delivery, Integer> claims = new HashMap<>();

    RepeatCheck(JdbcTemplate jdbc, SqlCatalog sql, Duration window) {
        this.jdbc = jdbc;
        this.sql = sql;
        this.window = window;
    }

    /**
     * Locks the batch's sessions (creating their rows where {@code ensureSession} must) and claims the delivery ids,
     * each in one round trip per kind.
     */
    void lock(List<Delivery> batch, Consumer<EventEnvelope> ensureSession) {
        Map<String, EventEnvelope> sessions = new HashMap<>();
        for (Delivery d : batch) {
            sessions.putIfAbsent(d.envelope().sessionId(), d.envelope());
        }
        Set<String> ordered = new TreeSet<>(sessions.keySet());
        ordered.forEach(session -> ensureSession.accept(sessions.get(session)));
        Map<String, Previous> rows = lockRows(ordered);
        if (rows.size() < ordered.size()) {
            // The cache of known sessions was wrong (a row was removed): create the missing rows and lock them too.
            for (String session : ordered) {
                if (!rows.containsKey(session)) {
                    EventEnvelope e = sessions.get(session);
                    jdbc.update(sql.get("sessions/ensure"), session, e.receivedAt(), e.receivedAt());
                }
            }
            rows = lockRows(ordered);
        }
        previous.putAll(rows);
        List<Delivery> withId = batch.stream().filter(d -> d.deliveryId() != null).toList();
        if (!withId.isEmpty()) {
            List<Object[]> args = new ArrayList<>(withId.size());
            for (Delivery d : withId) {
                args.add(claimArgs(d));
            }
            int[] claimed = jdbc.batchUpdate(sql.get("dedupe/claim"), args);
            for (int i = 0; i < withId.size(); i++) {
                claims.put(withId.get(i), claimed[i]);
            }
        }
    }

    /**
     * Null when the delivery is a new event (it becomes its session's previous event); else the id of the event it
     * repeats. Call in the order the deliveries were accepted.
     */
    String originalOf(Delivery d) {
        EventEnvelope e = d.envelope();
        String original;
        if (d.deliveryId() != null) {
            original = claims.get(d) == 1 ? null : settleTakenClaim(d);
        } else {
            Previous last = previous.get(e.sessionId());
            boolean repeat = last != null && e.bodySha256().equals(last.bodySha256()) && last.acceptedAt() != null
                    && e.receivedAt().isBefore(last.acceptedAt().plus(window));
            original = repeat ? last.eventId() : null;
        }
        if (original == null) {
            previous.put(e.sessionId(), new Previous(e.eventId(), e.bodySha256(), e.receivedAt()));
            moved.add(e.sessionId());
            accepted.merge(e.sessionId(), 1, Integer::sum);
        }
        return original;
    }

    /**
     * Writes each session's new previous event and raises its event count by the events accepted: one statement
     * for the batch, on rows this transaction has locked. Every delivery {@link #originalOf} took as new is
     * inserted into wa_events by the same transaction (or the transaction rolls back), so the count stays exact.
     */
    void save() {
        if (moved.isEmpty()) {
            return;
        }
        List<Object[]> args = new ArrayList<>(moved.size());
        for (String session : moved) {
            Previous p = previous.get(session);
            args.add(new Object[] {EventIds.uuid(p.eventId()), p.bodySha256(), p.acceptedAt(), accepted.get(session), session});
        }
        jdbc.batchUpdate(sql.get("sessions/set-last-accepted"), args);
    }

    /** One round trip for the whole batch: the sessions' rows, locked. */
    private Map<String, Previous> lockRows(Set<String> sessions) {
        Map<String, Previous> rows = new HashMap<>();
        jdbc.query(con -> {
            var statement = con.prepareStatement(sql.get("sessions/lock-last-accepted"));
            statement.setArray(1, con.createArrayOf("VARCHAR", sessions.toArray()));
            return statement;
        }, rs -> {
            rows.put(rs.getString(1), new Previous(rs.getString(2), rs.getString(3), rs.getObject(4, OffsetDateTime.class)));
        });
        return rows;
    }

    /** The id is taken: ours after all if that claim has expired (null), else the event id that holds it. */
    private String settleTakenClaim(Delivery d) {
        EventEnvelope e = d.envelope();
        String key = key(d);
        if (jdbc.update(sql.get("dedupe/release-expired"), e.sessionId(), key, e.receivedAt()) == 1
                && jdbc.update(sql.get("dedupe/claim"), claimArgs(d)) == 1) {
            return null; // the old claim had expired: this is a new delivery
        }
        List<String> original = jdbc.queryForList(sql.get("dedupe/find"), String.class, e.sessionId(), key);
        return original.isEmpty() ? e.eventId() : original.get(0);
    }

    private Object[] claimArgs(Delivery d) {
        EventEnvelope e = d.envelope();
        return new Object[] {e.sessionId(), key(d), EventIds.uuid(e.eventId()),
                e.receivedAt().plus(d.repeatWindow() != null ? d.repeatWindow() : window)};
    }

    private static String key(Delivery d) {
        return "delivery:" + d.deliveryId();
    }
}
