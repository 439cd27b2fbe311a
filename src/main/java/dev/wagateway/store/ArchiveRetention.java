package dev.wagateway.store;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes archived events older than the retention, in batches so no statement holds locks for long, and the
 * dedupe claims that have expired. Only the raw archive: sessions, messages, calls and media stay. Each batch
 * lowers the event count of the sessions it deleted from in the same transaction, so the count the sessions list
 * shows stays equal to the rows left; and the throughput rollup's rows older than two days go.
 * <p>
 * On PostgreSQL (wa_events partitioned by month since V17) a month wholly past retention goes as one partition:
 * counted per session, the sessions' counts lowered, detached and dropped in one transaction. A month an output still
 * owes events of (wa_outbox) is trimmed row by row instead, as are wa_events_legacy and wa_events_default; the rows
 * of the month the cut-off falls in stay until that month is wholly past retention, so PostgreSQL keeps events up
 * to a month longer than {@code days}. On H2 every old event is deleted row by row.
 * Called by the scheduled route in routes/housekeeping.yaml on every instance; one of them purges at a time.
 */
class ArchiveRetention {

    private static final Logger log = LoggerFactory.getLogger(ArchiveRetention.class);
    /** Upper bound of batches per run, so one run cannot go on for ever; the next run continues. */
    private static final int MAX_BATCHES = 10_000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SqlCatalog sql;
    private final int days;
    private final int batchSize;
    private final Clock clock;
    private final JobLock lock;
    private final ArchivePartitions partitions;

    public ArchiveRetention(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, int days, int batchSize,
            Clock clock, JobLock lock, ArchivePartitions partitions) {
        this.partitions = partitions;
        this.jdbc = jdbc;
        this.tx = tx;
        this.lock = lock;
        this.sql = sql;
        this.days = days;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    /** Returns the number of archived events deleted (0 when another instance is purging right now). */
    public long purge() {
        return lock.runAlone("archive-retention", this::purgeNow).orElse(0L);
    }

    private long purgeNow() {
        OffsetDateTime now = OffsetDateTime.now(clock.withZone(ZoneOffset.UTC));
        long claims = inBatches("retention/purge-dedupe", now);
        jdbc.update(sql.get("retention/purge-event-minutes"), now.minusDays(2));
        if (days <= 0) {
            return 0;
        }
        long events = 0;
        OffsetDateTime before = now.minusDays(days);
        OffsetDateTime rowsBefore = before;
        List<ArchivePartitions.Partition> months = partitions.list().stream()
                .filter(ArchivePartitions.Partition::isMonth).toList();
        for (ArchivePartitions.Partition month : months) {
            if (!month.to().isAfter(before.toInstant())) {
                events += dropIfNotOwed(month);
            } else if (month.from().isBefore(rowsBefore.toInstant())) {
                // The month the cut-off falls in keeps all its rows until it goes whole.
                rowsBefore = OffsetDateTime.ofInstant(month.from(), ZoneOffset.UTC);
            }
        }
        OffsetDateTime rowCutOff = rowsBefore;
        for (int i = 0; i < MAX_BATCHES; i++) {
            int[] batch = tx.execute(status -> purgeEventBatch(rowCutOff));
            events += batch[1];
            if (batch[0] < batchSize) {
                break;
            }
        }
        if (events > 0 || claims > 0) {
            log.info("retention: deleted {} archived events older than {} days and {} expired dedupe claims", events, days, claims);
        }
        return events;
    }

    /**
     * Drops one month partition wholly past retention, unless an output still owes one of its events (then the
     * row-by-row batches trim it, keeping those). Returns the events dropped. One transaction: the month is held
     * still, counted per session, the sessions' counts lowered (the sessions locked in session order, as the
     * archive writers lock them), then detached and dropped; every lock waited for at most 5 s, so a drop queued
     * behind a long read never holds the webhook's inserts up for longer. A drop that times out is tried again by
     * the next run.
     */
    private long dropIfNotOwed(ArchivePartitions.Partition month) {
        String name = ArchivePartitions.checked(month.name());
        try {
            long dropped = tx.execute(status -> {
                jdbc.execute(sql.get("postgresql/partitions/lock-timeout"));
                jdbc.execute(sql.get("postgresql/partitions/no-statement-timeout"));
                jdbc.execute(sql.get("postgresql/retention/lock-partition").replace("{partition}", name));
                if (Boolean.TRUE.equals(jdbc.queryForObject(
                        sql.get("postgresql/retention/partition-owed").replace("{partition}", name), Boolean.class))) {
                    return -1L;
                }
                List<Object[]> lowered = jdbc.query(sql.get("postgresql/retention/partition-session-counts")
                        .replace("{partition}", name), (rs, n) -> new Object[] {rs.getLong(2), rs.getString(1)});
                long total = 0;
                if (!lowered.isEmpty()) {
                    List<String> sessions = lowered.stream().map(row -> (String) row[1]).toList();
                    jdbc.query(con -> {
                        var statement = con.prepareStatement(sql.get("sessions/lock-last-accepted"));
                        statement.setArray(1, con.createArrayOf("VARCHAR", sessions.toArray()));
                        return statement;
                    }, rs -> { });
                    jdbc.batchUpdate(sql.get("retention/lower-event-count"), lowered);
                    for (Object[] row : lowered) {
                        total += (Long) row[0];
                    }
                }
                jdbc.execute(sql.get("postgresql/retention/detach-partition").replace("{partition}", name));
                jdbc.execute(sql.get("postgresql/retention/drop-partition").replace("{partition}", name));
                return total;
            });
            if (dropped < 0) {
                log.info("retention: {} is past retention but an output still owes some of its events: trimmed row by row", name);
                return 0;
            }
            log.info("retention: dropped partition {} ({} archived events)", name, dropped);
            return dropped;
        } catch (DataAccessException e) {
            log.warn("retention: could not drop partition {} this time: {}", name, e.getMostSpecificCause().getMessage());
            return 0;
        }
    }

    /**
     * One batch of old events, deleted per session, each session's count lowered by what was deleted: returns the
     * events found and the events deleted. The sessions are locked first, in the order the archive writers lock
     * them (sessions/lock-last-accepted), so retention and a writer never deadlock on two sessions.
     */
    private int[] purgeEventBatch(OffsetDateTime before) {
        // The ids as they come (java.util.UUID on PostgreSQL and H2 alike, V19), to go back as a uuid array.
        Map<String, List<Object>> bySession = new LinkedHashMap<>();
        int[] found = {0};
        jdbc.query(sql.get("retention/old-events"), rs -> {
            bySession.computeIfAbsent(rs.getString(2), s -> new ArrayList<>()).add(rs.getObject(1));
            found[0]++;
        }, before, batchSize);
        if (bySession.isEmpty()) {
            return new int[] {0, 0};
        }
        List<String> sessions = new ArrayList<>(new TreeSet<>(bySession.keySet()));
        jdbc.query(con -> {
            var statement = con.prepareStatement(sql.get("sessions/lock-last-accepted"));
            statement.setArray(1, con.createArrayOf("VARCHAR", sessions.toArray()));
            return statement;
        }, rs -> { });
        int deleted = 0;
        List<Object[]> lowered = new ArrayList<>(sessions.size());
        for (String session : sessions) {
            int n = jdbc.update(con -> {
                var statement = con.prepareStatement(sql.get("retention/delete-session-events"));
                statement.setString(1, session);
                statement.setArray(2, con.createArrayOf("uuid", bySession.get(session).toArray()));
                return statement;
            });
            if (n > 0) {
                lowered.add(new Object[] {n, session});
                deleted += n;
            }
        }
        if (!lowered.isEmpty()) {
            jdbc.batchUpdate(sql.get("retention/lower-event-count"), lowered);
        }
        return new int[] {found[0], deleted};
    }

    private long inBatches(String statement, OffsetDateTime before) {
        long total = 0;
        for (int i = 0; i < MAX_BATCHES; i++) {
            int deleted = jdbc.update(sql.get(statement), before, batchSize);
            total += deleted;
            if (deleted < batchSize) {
                break;
            }
        }
        return total;
    }
}
