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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes archived events older than the retention, in batches so no statement holds locks for long, and the
 * dedupe claims that have expired. Only the raw archive: sessions, messages, calls and media stay. Each batch
 * lowers the event count of the sessions it deleted from in the same transaction, so the count the sessions list
 * shows stays equal to the rows left; and the throughput rollup's rows older than two days go.
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

    public ArchiveRetention(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, int days, int batchSize,
            Clock clock, JobLock lock) {
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
        for (int i = 0; i < MAX_BATCHES; i++) {
            int[] batch = tx.execute(status -> purgeEventBatch(before));
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
     * One batch of old events, deleted per session, each session's count lowered by what was deleted: returns the
     * events found and the events deleted. The sessions are locked first, in the order the archive writers lock
     * them (sessions/lock-last-accepted), so retention and a writer never deadlock on two sessions.
     */
    private int[] purgeEventBatch(OffsetDateTime before) {
        Map<String, List<String>> bySession = new LinkedHashMap<>();
        int[] found = {0};
        jdbc.query(sql.get("retention/old-events"), rs -> {
            bySession.computeIfAbsent(rs.getString(2), s -> new ArrayList<>()).add(rs.getString(1));
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
                statement.setArray(2, con.createArrayOf("VARCHAR", bySession.get(session).toArray()));
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
