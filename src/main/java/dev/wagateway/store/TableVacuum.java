package dev.wagateway.store;

import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Vacuums the tables the gateway churns through on PostgreSQL (sql/postgresql/vacuum): the outbox is a queue, every
 * delivered event is a deleted row, and the lanes, sessions and rate-limit buckets are rewritten at the event rate.
 * Until a vacuum removes the dead rows, every claim and lane read steps over them: with autovacuum off (as on the
 * benchmark machine) or behind (its default wakes once a minute), the outbox's reads grew to 130 pages per call in
 * 90 s at 2,000 events/s, and each count of the backlog scanned hundreds of thousands of dead rows. Called by a
 * scheduled route in routes/housekeeping.yaml on every instance; one vacuums at a time. Nothing to do on H2.
 */
public class TableVacuum {

    private static final Logger log = LoggerFactory.getLogger(TableVacuum.class);

    private final JdbcTemplate jdbc;
    private final SqlCatalog sql;
    private final boolean postgres;
    private final long deadRows;
    private final JobLock lock;

    public TableVacuum(JdbcTemplate jdbc, SqlCatalog sql, boolean postgres, long deadRows, JobLock lock) {
        this.jdbc = jdbc;
        this.sql = sql;
        this.postgres = postgres;
        this.deadRows = deadRows;
        this.lock = lock;
    }

    /** Vacuums when the tables hold at least the threshold of dead rows; returns how many there were (0: skipped). */
    public long run() {
        if (!postgres) {
            return 0;
        }
        return lock.runAlone("table-vacuum", this::vacuumIfNeeded).orElse(0L);
    }

    private long vacuumIfNeeded() {
        Long dead = jdbc.queryForObject(sql.get("postgresql/vacuum/dead-rows"), Long.class);
        if (dead == null || dead < deadRows) {
            return 0L;
        }
        long started = System.nanoTime();
        // Not bound by the statement timeout (DB_STATEMENT_TIMEOUT, 20 s) meant for the webhook's statements: the
        // first vacuum of a table bloated over hours can take longer, and cut off it would never finish.
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET statement_timeout = 0");
                try {
                    statement.execute(sql.get("postgresql/vacuum/vacuum"));
                } finally {
                    statement.execute("RESET statement_timeout");
                }
            }
            return null;
        });
        log.debug("vacuumed the churned tables: {} dead rows, {} ms", dead, (System.nanoTime() - started) / 1_000_000);
        return dead;
    }
}
