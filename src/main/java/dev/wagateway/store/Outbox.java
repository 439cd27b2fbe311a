package dev.wagateway.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.transaction.support.TransactionTemplate;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventIds;
import dev.wagateway.shared.PayloadFormat;

/**
 * The transactional outbox: what each output owes is written in the archive transaction that stores the event
 * ({@link #add}), so it commits with the event or not at all, and survives a crash. Delivery workers (the
 * outputs' {@code OutboxWorkers}) claim whole lanes, one per (output, session), so a session's events reach each
 * output in the order they were accepted: {@link #claimLanes} (SKIP LOCKED, then a lease), {@link #deliveries},
 * then {@link #failedAttempt} or {@link #deadLetter} on the way, and {@link #finishLanes}.
 */
public class Outbox {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_ERROR = 2000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SqlCatalog sql;
    private final DeadLetters deadLetters;
    /** The outputs that want an event type (empty: none); set by the outputs once they are configured. */
    private volatile Function<String, List<String>> outputsFor = event -> List.of();
    /** Lanes known to have their row; saves one statement per delivery. Only a cache: the insert is idempotent. */
    private final Set<String> knownLanes = ConcurrentHashMap.newKeySet();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** This process among the instances sharing the database: the lanes it leases carry its id. */
    private final InstanceLock instance;
    /** Outputs whose lanes a waiting delivery does not hold back ({@code order: none}), and their linger. */
    private volatile Set<String> unordered = Set.of();
    private volatile Duration unorderedLinger = Duration.ZERO;
    /** The heads of many lanes in one statement: said one way on PostgreSQL (LATERAL), another on H2. */
    private final String lanesDeliveries;

    public Outbox(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, DeadLetters deadLetters, InstanceLock instance,
            String dialect) {
        this.lanesDeliveries = sql.get(dialect + "/outbox/lanes-deliveries");
        this.jdbc = jdbc;
        this.tx = tx;
        this.sql = sql;
        this.deadLetters = deadLetters;
        this.instance = instance;
    }

    /** Lanes claimed together, and the id their leases carry (the one to hand them back with). */
    public record Claim(String holder, List<String> sessions) {
        static final Claim NONE = new Claim("", List.of());
    }

    /**
     * A delivery as a worker sees it: the outbox row, when its planned retry may be made (null: never tried, or
     * tried before retries were planned on the row), the event it carries (null when no longer archived) and the
     * W3C traceparent its attempts continue (null: stored while tracing was off).
     */
    public record Delivery(long id, String eventId, int attempts, OffsetDateTime nextAttemptAt, EventEnvelope envelope,
            String traceparent) {
    }

    /**
     * What {@link #add} wrote inside a transaction: how many deliveries, and the lanes it created, which count as
     * existing only once that transaction has committed ({@link #committed}).
     */
    record Owed(int deliveries, Set<String> newLanes) {
        static final Owed NOTHING = new Owed(0, Set.of());
    }

    /** A lane a worker is done with for now: the deliveries it made, and when it is due again. */
    public record Finished(String session, String holder, List<Long> delivered, OffsetDateTime dueAt) {
    }

    /** Backlog of one output: deliveries waiting and when the oldest was accepted (null when none waits). */
    public record Backlog(long waiting, OffsetDateTime oldest) {
    }

    public void routeEventsWith(Function<String, List<String>> outputsFor) {
        this.outputsFor = outputsFor;
    }

    /**
     * These outputs deliver a session's events without waiting for one that waits for its retry ({@code order:
     * none}): a new delivery makes its lane due after {@code linger}, however far ahead the lane's next retry is.
     */
    public void unorderedOutputs(Set<String> outputs, Duration linger) {
        this.unordered = Set.copyOf(outputs);
        this.unorderedLinger = linger;
    }

    /** Called after a commit that added deliveries, so local workers look at once instead of at their next poll. */
    public void onAdded(Runnable listener) {
        listeners.add(listener);
    }

    /** Inside the archive transaction: the deliveries the new events owe, each with its event's trace context. */
    Owed add(List<EventArchive.Delivery> events) {
        List<Object[]> rows = new ArrayList<>();
        List<Object[]> lanes = new ArrayList<>();
        Set<String> newLanes = new HashSet<>();
        Set<String> unorderedOutputs = unordered;
        Map<String, Object[]> wakes = new LinkedHashMap<>();
        OffsetDateTime wakeAt = unorderedOutputs.isEmpty() ? null : OffsetDateTime.now().plus(unorderedLinger);
        for (EventArchive.Delivery d : events) {
            EventEnvelope e = d.envelope();
            String traceparent = d.traceparent();
            for (String output : outputsFor.apply(e.event())) {
                // created_at is the event's received_at: the delivery read finds the event's partition by it.
                rows.add(new Object[] {output, e.sessionId(), EventIds.uuid(e.eventId()), e.receivedAt(), traceparent});
                String lane = output + '\n' + e.sessionId();
                if (!knownLanes.contains(lane) && newLanes.add(lane)) {
                    lanes.add(new Object[] {output, e.sessionId(), e.receivedAt()});
                }
                if (unorderedOutputs.contains(output)) {
                    wakes.putIfAbsent(lane, new Object[] {wakeAt, wakeAt, output, e.sessionId()});
                }
            }
        }
        if (!lanes.isEmpty()) {
            jdbc.batchUpdate(sql.get("outbox/ensure-lane"), lanes);
        }
        if (!rows.isEmpty()) {
            jdbc.batchUpdate(sql.get("outbox/insert"), rows);
        }
        if (!wakes.isEmpty()) {
            jdbc.batchUpdate(sql.get("outbox/wake-lane"), new ArrayList<>(wakes.values()));
        }
        return rows.isEmpty() ? Owed.NOTHING : new Owed(rows.size(), newLanes);
    }

    /** After the commit of {@link #add}: the lanes it created exist for good; wake the workers. */
    void committed(Owed owed) {
        if (owed.deliveries() == 0) {
            return;
        }
        knownLanes.addAll(owed.newLanes());
        listeners.forEach(Runnable::run);
    }

    /**
     * Claims up to {@code max} due lanes of the output for {@code lease}. Nothing while this instance cannot vouch
     * for its lock ({@link InstanceLock#confirmed}): another instance may be taking its lanes back right now; nothing
     * while the output is disabled ({@link OutputHealth}).
     */
    public Claim claimLanes(String output, int max, Duration lease) {
        String holder = instance.holder();
        if (!instance.confirmed()) {
            return Claim.NONE;
        }
        return tx.execute(status -> {
            OffsetDateTime now = OffsetDateTime.now();
            List<String> sessions = jdbc.queryForList(sql.get("outbox/claim-lanes"), String.class, output, now, now, output,
                    max);
            if (!sessions.isEmpty()) {
                OffsetDateTime until = now.plus(lease);
                jdbc.update(sql.get("outbox/lease-lanes"), ps -> {
                    ps.setString(1, holder);
                    ps.setObject(2, until);
                    ps.setString(3, output);
                    ps.setArray(4, ps.getConnection().createArrayOf("varchar", sessions.toArray()));
                });
            }
            return new Claim(holder, sessions);
        });
    }

    /** Whether a lane claimed under {@code holder} may start another attempt (see {@link InstanceLock#holds}). */
    public boolean stillHeld(String holder) {
        return instance.holds(holder);
    }

    /**
     * Gives back at once the lanes whose holder is gone, instead of leaving them leased until their leases run out.
     * On PostgreSQL: leased by an instance whose advisory lock nobody holds any more (it died, or lost the connection
     * that held it and has stopped). On the embedded database, called once at start: every lease but this process's
     * (there is no other process). Returns how many lanes went back.
     */
    public int takeBackDeadLeases() {
        String me = instance.holder();
        if (!instance.shared()) {
            return jdbc.update(sql.get("outbox/release-others-leases"), me);
        }
        // Holders first, locks second: a holder alive when it was read still holds its lock when the locks are read.
        List<String> holders = jdbc.queryForList(sql.get("outbox/lease-holders"), String.class, OffsetDateTime.now());
        if (holders.stream().noneMatch(h -> !h.equals(me) && InstanceLock.checkable(h))) {
            return 0;
        }
        Set<Integer> alive = new HashSet<>();
        jdbc.query(sql.get("outbox/live-instances"), rs -> {
            alive.add((int) rs.getLong(1));
        }, InstanceLock.NAMESPACE);
        int released = 0;
        for (String holder : holders) {
            if (!holder.equals(me) && InstanceLock.checkable(holder) && !alive.contains(InstanceLock.key(holder))) {
                released += jdbc.update(sql.get("outbox/release-leases"), holder);
            }
        }
        return released;
    }

    /**
     * The first {@code max} deliveries of each of these lanes, in one statement, each lane's in the order the
     * events were accepted (an empty list for a lane with none); with {@code due} set only those due then
     * ({@code order: none}: never tried, or their planned retry passed).
     */
    public Map<String, List<Delivery>> deliveries(String output, List<String> sessions, OffsetDateTime due, int max) {
        Map<String, List<Delivery>> lanes = new LinkedHashMap<>();
        sessions.forEach(session -> lanes.put(session, new ArrayList<>()));
        if (sessions.isEmpty()) {
            return lanes;
        }
        jdbc.query(lanesDeliveries, lanesDeliveriesParameters(output, sessions, due, max), rs -> {
            // Rows come in id order, so each lane's list is in its order too.
            lanes.get(rs.getString("session_id")).add(delivery(rs, 0));
        });
        return lanes;
    }

    /** The parameters of {@code lanes-deliveries.sql} (both dialects), in its order. */
    static PreparedStatementSetter lanesDeliveriesParameters(String output, List<String> sessions, OffsetDateTime due,
            int max) {
        return ps -> {
            ps.setArray(1, ps.getConnection().createArrayOf("varchar", sessions.toArray()));
            ps.setString(2, output);
            ps.setObject(3, due);
            ps.setObject(4, due);
            ps.setInt(5, max);
        };
    }

    private Delivery delivery(ResultSet rs, int n) throws SQLException {
        String eventId = rs.getString("event_id");
        String event = rs.getString("event");
        EventEnvelope envelope = event == null ? null : new EventEnvelope(eventId, rs.getString("session_id"), event,
                json(rs.getString("data_json")), rs.getObject("received_at", OffsetDateTime.class),
                PayloadFormat.fromWireName(rs.getString("format")), rs.getString("source_ip"),
                rs.getString("body_sha256"), rs.getString("source"));
        return new Delivery(rs.getLong("id"), eventId, rs.getInt("attempts"),
                rs.getObject("next_attempt_at", OffsetDateTime.class), envelope, rs.getString("traceparent"));
    }

    /** The output took these deliveries. */
    public void delivered(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.update(sql.get("outbox/delivered"),
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("bigint", ids.toArray())));
    }

    /** A failed attempt that will be retried at {@code nextAttemptAt}: its count, error and that time stay on the row. */
    public void failedAttempt(long id, int attempts, String error, OffsetDateTime nextAttemptAt) {
        jdbc.update(sql.get("outbox/failed-attempt"), attempts, clip(error), nextAttemptAt, id);
    }

    /**
     * The retries are spent: the delivery moves to the dead-letter store (with the envelope, for a replay) and leaves
     * the lane, in one transaction, so the session's later events go on.
     */
    public void deadLetter(String output, Delivery d, String sessionId, int attempts, String error) {
        tx.executeWithoutResult(status -> {
            EventEnvelope envelope = d.envelope() != null ? d.envelope()
                    : new EventEnvelope(d.eventId(), sessionId, "unknown", MAPPER.createObjectNode(),
                            OffsetDateTime.now(), PayloadFormat.UNIVERSAL, null, null);
            deadLetters.record(envelope, output, error, attempts, null, d.traceparent());
            delivered(List.of(d.id()));
        });
    }

    /**
     * Marks what these lanes delivered and gives each back, due again at its {@code dueAt}: one commit. A lane that
     * was taken back from its holder meanwhile (its lock was lost) is left to whoever holds it now.
     */
    public void finishLanes(String output, List<Finished> lanes) {
        if (lanes.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            List<Long> delivered = new ArrayList<>();
            List<Object[]> releases = new ArrayList<>(lanes.size());
            for (Finished lane : lanes) {
                delivered.addAll(lane.delivered());
                releases.add(new Object[] {lane.dueAt(), output, lane.session(), lane.holder()});
            }
            delivered(delivered);
            jdbc.batchUpdate(sql.get("outbox/release-lane"), releases);
        });
    }

    /**
     * {@code order: none}: marks what the lane delivered and gives it back, due again when its first waiting
     * delivery is (a never-tried one counting as due at {@code freshDue}), or at {@code freshDue} when it is empty.
     * The lane's row is locked before the lane is read, so a delivery added meanwhile is either read or has made
     * the lane due itself (wake-lane.sql) after this commit.
     */
    public OffsetDateTime finishUnorderedLane(String output, String session, String holder, List<Long> delivered,
            OffsetDateTime freshDue) {
        return tx.execute(status -> {
            delivered(delivered);
            jdbc.queryForList(sql.get("outbox/lock-lane"), output, session);
            OffsetDateTime next = jdbc.queryForObject(sql.get("outbox/lane-next-due"), OffsetDateTime.class, freshDue,
                    output, session);
            OffsetDateTime due = next == null ? freshDue : next;
            jdbc.update(sql.get("outbox/release-lane"), due, output, session, holder);
            return due;
        });
    }

    /** On a graceful stop: every lane this instance still holds goes back at once. */
    public int releaseAll() {
        return jdbc.update(sql.get("outbox/release-leases"), instance.holder());
    }

    public Map<String, Backlog> backlog() {
        Map<String, Backlog> backlog = new LinkedHashMap<>();
        jdbc.query(sql.get("outbox/backlog"), rs -> {
            backlog.put(rs.getString("output"),
                    new Backlog(rs.getLong("waiting"), rs.getObject("oldest", OffsetDateTime.class)));
        });
        return backlog;
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return MAPPER.getNodeFactory().textNode(text);
        }
    }

    private static String clip(String error) {
        String text = error == null ? "unknown error" : error;
        return text.length() > MAX_ERROR ? text.substring(0, MAX_ERROR) : text;
    }
}
