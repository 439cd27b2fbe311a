package dev.wagateway.store;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deletes archived events older than the retention, in batches so no statement holds locks for long, and the
 * dedupe claims that have expired. Only the raw archive: sessions, messages, calls and media stay.
 * Called by the scheduled route in routes/housekeeping.yaml on every instance; one of them purges at a time.
 */
public class ArchiveRetention {

    private static final Logger log = LoggerFactory.getLogger(ArchiveRetention.class);
    /** Upper bound of batches per run, so one run cannot go on for ever; the next run continues. */
    private static final int MAX_BATCHES = 10_000;

    private final JdbcTemplate jdbc;
    private final SqlCatalog sql;
    private final int days;
    private final int batchSize;
    private final Clock clock;
    private final JobLock lock;

    public ArchiveRetention(JdbcTemplate jdbc, SqlCatalog sql, int days, int batchSize, Clock clock, JobLock lock) {
        this.jdbc = jdbc;
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
        if (days <= 0) {
            return 0;
        }
        long events = inBatches("retention/purge-events", now.minusDays(days));
        if (events > 0 || claims > 0) {
            log.info("retention: deleted {} archived events older than {} days and {} expired dedupe claims", events, days, claims);
        }
        return events;
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
