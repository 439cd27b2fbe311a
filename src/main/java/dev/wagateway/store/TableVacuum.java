package dev.wagateway.store;

import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Vacuums the tables the gateway churns through on PostgreSQL (sql/postgresql/vacuum): the outbox is a queue, every
 * delivered event is a deleted row, and the lanes, sessions and rate-limit buckets are rewritten at the event rate.
 * Until a vacuum removes the dead rows, every claim and lane read steps over them: with autovacuum off (as on the
 * benchmark machine) or behind (its default wakes once a minute), the outbox's reads grew to 130 pages per call in
 * 90 s at 2,000 events/s, and each count of the backlog scanned hundreds of thousands of dead rows.
 * <p>
 * It also analyzes the growing tables (messages, events, calls, ...) whose statistics are missing or were taken at
 * half or twice their size (sql/postgresql/analyze). Without them PostgreSQL cached, while wa_messages was small,
 * a generic plan for the acks' update on an index of session_id alone, which then read all of a session's rows per
 * ack as the table grew; only an invalidation (ANALYZE, VACUUM, DDL) replaces a cached plan, and with autovacuum
 * off none came (docs/performance.md, issue 22). An ANALYZE invalidates the table's plans on every connection.
 * <p>
 * Called by a scheduled route in routes/housekeeping.yaml on every instance; one runs it at a time. Nothing to do
 * on H2.
 */
public class TableVacuum {

    private static final Logger log = LoggerFactory.getLogger(TableVacuum.class);
    /** The names stale-tables may return are spliced into ANALYZE: only the shape of the gateway's own tables
     * and of wa_events' partitions (wa_events_p202701) passes. */
    private static final Pattern TABLE = Pattern.compile("wa_[a-z0-9_]+");

    private final JdbcTemplate jdbc;
    private final SqlCatalog sql;
    private final boolean postgres;
    private final long deadRows;
    private final long analyzeMinRows;
    private final JobLock lock;

    public TableVacuum(JdbcTemplate jdbc, SqlCatalog sql, boolean postgres, long deadRows, long analyzeMinRows,
            JobLock lock) {
        this.jdbc = jdbc;
        this.sql = sql;
        this.postgres = postgres;
        this.deadRows = deadRows;
        this.analyzeMinRows = analyzeMinRows;
        this.lock = lock;
    }

    /** What one run did: the dead rows it vacuumed (0: vacuum skipped) and the tables it analyzed. */
    public record Done(long vacuumedDeadRows, List<String> analyzed) {
        static final Done NOTHING = new Done(0, List.of());
    }

    /**
     * Vacuums when the churned tables hold at least the threshold of dead rows, then analyzes the stale growing
     * tables. Nothing on H2, or when another instance is running it.
     */
    public Done run() {
        if (!postgres) {
            return Done.NOTHING;
        }
        return lock.runAlone("table-vacuum", () -> new Done(vacuumIfNeeded(), analyzeStale())).orElse(Done.NOTHING);
    }

    private List<String> analyzeStale() {
        List<String> stale = jdbc.queryForList(sql.get("postgresql/analyze/stale-tables"), String.class, analyzeMinRows);
        for (String table : stale) {
            if (!TABLE.matcher(table).matches()) {
                throw new IllegalStateException("not a table of the gateway's: " + table);
            }
            long started = System.nanoTime();
            withoutStatementTimeout(sql.get("postgresql/analyze/analyze").replace("{table}", table));
            log.debug("analyzed {}: {} ms", table, (System.nanoTime() - started) / 1_000_000);
        }
        return stale;
    }

    private long vacuumIfNeeded() {
        Long dead = jdbc.queryForObject(sql.get("postgresql/vacuum/dead-rows"), Long.class);
        if (dead == null || dead < deadRows) {
            return 0L;
        }
        long started = System.nanoTime();
        withoutStatementTimeout(sql.get("postgresql/vacuum/vacuum"));
        log.debug("vacuumed the churned tables: {} dead rows, {} ms", dead, (System.nanoTime() - started) / 1_000_000);
        return dead;
    }

    /**
     * Not bound by the statement timeout (DB_STATEMENT_TIMEOUT, 20 s) meant for the webhook's statements: the first
     * vacuum of a table bloated over hours, or the first ANALYZE of a big archive, can take longer, and cut off it
     * would never finish.
     */
    private void withoutStatementTimeout(String maintenance) {
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET statement_timeout = 0");
                try {
                    statement.execute(maintenance);
                } finally {
                    statement.execute("RESET statement_timeout");
                }
            }
            return null;
        });
    }
}
