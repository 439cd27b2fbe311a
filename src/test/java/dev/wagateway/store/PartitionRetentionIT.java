package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.wagateway.shared.EventIds;
import dev.wagateway.support.Counters;
import dev.wagateway.support.TestIds;
import dev.wagateway.support.TestPostgres;

/**
 * PostgreSQL's partitioned archive (V17) over the months: the job makes partitions ahead and moves what landed in
 * DEFAULT into them; retention drops a month wholly past it as a partition, keeps a month an output still owes
 * events of (trimmed row by row), keeps the month the cut-off falls in whole, and the sessions' counts stay exact.
 * The months pass by giving the jobs clocks months ahead of today; the database is migrated today, so its legacy
 * partition covers everything up to next month and its month partitions start there.
 */
class PartitionRetentionIT {

    private static final int RETENTION_DAYS = 30;

    private HikariDataSource dataSource;
    private JdbcTemplate jdbc;
    private TransactionTemplate tx;
    private final SqlCatalog sql = new SqlCatalog();
    private JobLock lock;
    /** The names insertEvent gave the events, by their ids. */
    private final Map<String, String> names = new HashMap<>();
    /** The first month partition V17 made: the month after today's. */
    private final YearMonth m1 = YearMonth.now(ZoneOffset.UTC).plusMonths(1);

    @BeforeEach
    void database() {
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(TestPostgres.createMigratedDatabase("partitions"));
        dataSource.setUsername(TestPostgres.USER);
        dataSource.setPassword(TestPostgres.PASSWORD);
        jdbc = new JdbcTemplate(dataSource);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        lock = new JobLock(dataSource, sql, true);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void theJobKeepsMonthsAheadAndMovesWhatLandedInDefault() {
        assertThat(partitions()).containsExactly("wa_events_legacy", name(m1), name(m1.plusMonths(1)),
                name(m1.plusMonths(2)), "wa_events_default");
        // Five months on, events arrive for a month no partition covers yet: they land in DEFAULT.
        YearMonth later = m1.plusMonths(4);
        for (int i = 0; i < 3; i++) {
            insertEvent("late-" + i, "s1", at(later, 3 + i));
        }
        assertThat(partitionOf("late-0")).isEqualTo("wa_events_default");
        setCountsFromTheTable();

        List<String> created = partitionsJob(at(m1.plusMonths(3), 10)).createAhead();

        // The month of the clock and the three after it; the ones V17 made are kept.
        assertThat(created).containsExactly(name(m1.plusMonths(3)), name(later), name(later.plusMonths(1)),
                name(later.plusMonths(2)));
        for (int i = 0; i < 3; i++) {
            assertThat(partitionOf("late-" + i)).isEqualTo(name(later));
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events_default", Long.class)).isZero();
        assertThat(partitionsJob(at(m1.plusMonths(3), 10)).createAhead()).as("a second run has nothing to do").isEmpty();
        // The new partitions have the parent's keys and indexes.
        assertThat(jdbc.queryForList("SELECT indexname FROM pg_indexes WHERE tablename = ?", String.class, name(later)))
                .hasSize(6).contains(name(later) + "_pkey");
        Counters.assertSessionCountsExact(jdbc);
    }

    @Test
    void retentionDropsAWholeMonthKeepsAnOwedOneAndTheMonthTheCutOffFallsIn() {
        // Months m1 .. m1+3 have partitions once the job ran at m1+3; the clock is then early in m1+4.
        partitionsJob(at(m1.plusMonths(3), 1)).createAhead();
        OffsetDateTime now = at(m1.plusMonths(4), 5);
        OffsetDateTime cutOff = now.minusDays(RETENTION_DAYS);
        // m1: wholly past retention, nothing owed: dropped whole. Two sessions, so the count of each is lowered.
        for (int i = 0; i < 4; i++) {
            insertEvent("m1-a" + i, "a", at(m1, 2 + i));
        }
        insertEvent("m1-b0", "b", at(m1, 20));
        // m1+1: wholly past retention, but an output still owes one event: trimmed row by row, the owed one kept.
        YearMonth m2 = m1.plusMonths(1);
        insertEvent("m2-a0", "a", at(m2, 3));
        insertEvent("m2-owed", "b", at(m2, 4));
        jdbc.update("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at) "
                + "VALUES ('away', 'b', CAST(? AS uuid), 2, ?)", TestIds.of("m2-owed"), at(m2, 4));
        // m1+3: the cut-off falls in it; its rows older than the cut-off stay until the whole month is past.
        YearMonth m4 = m1.plusMonths(3);
        OffsetDateTime olderThanCutOff = cutOff.minusDays(1);
        assertThat(YearMonth.from(olderThanCutOff)).as("precondition: the cut-off's month").isEqualTo(m4);
        insertEvent("m4-old", "a", olderThanCutOff);
        insertEvent("m4-new", "b", now.minusDays(1));
        // The legacy partition (today's month and before): trimmed row by row, as before V17.
        insertEvent("legacy-old", "a", OffsetDateTime.now(ZoneOffset.UTC).minusDays(40));
        setCountsFromTheTable();

        ArchiveRetention retention = new ArchiveRetention(jdbc, tx, sql, RETENTION_DAYS, 2, Clock.fixed(now.toInstant(),
                ZoneOffset.UTC), lock, partitionsJob(now));
        long purged = retention.purge();

        assertThat(partitions()).as("m1 dropped as a partition").doesNotContain(name(m1)).contains(name(m2), name(m4));
        assertThat(purged).as("5 dropped with m1, m2-a0 and legacy-old deleted").isEqualTo(7);
        assertThat(ids()).containsExactlyInAnyOrder("m2-owed", "m4-old", "m4-new");
        Counters.assertSessionCountsExact(jdbc);
        assertThat(count("a")).isEqualTo(1);
        assertThat(count("b")).isEqualTo(2);

        // Once delivered, the owed month goes too, as a partition.
        jdbc.update("DELETE FROM wa_outbox");
        assertThat(retention.purge()).isEqualTo(1);
        assertThat(partitions()).doesNotContain(name(m2));
        assertThat(ids()).containsExactlyInAnyOrder("m4-old", "m4-new");
        Counters.assertSessionCountsExact(jdbc);
        // The events read by id still (events/{id} looks up event_id alone).
        assertThat(jdbc.queryForList(sql.get("api/event"), EventIds.uuid(TestIds.of("m4-old")))).hasSize(1);
    }

    /**
     * The outbox's read of a lane carries each owed event from whichever partition holds it (legacy, a month, DEFAULT,
     * a month the job moved it into), looked up by its id and its received_at, which a delivery's created_at is; and
     * only the partition holding the event is read for it, not every month kept. The plan is pinned to the nested
     * loop the workers' reads of a few rows per lane get (a hash join would read every partition whole once).
     */
    @Test
    void theOutboxReadsAnOwedEventFromItsOwnPartitionOnly() {
        YearMonth m3 = m1.plusMonths(2);
        YearMonth beyond = m1.plusMonths(4);
        insertOwed("in-legacy", OffsetDateTime.now(ZoneOffset.UTC).minusDays(3));
        insertOwed("in-m1", at(m1, 2));
        insertOwed("in-m3", at(m3, 2));
        insertOwed("in-default", at(beyond, 2));
        insertOwed("moved", at(beyond.plusMonths(1), 2));
        insertMany("m1-filler", at(m1, 5), 200);
        insertMany("m3-filler", at(m3, 5), 200);
        assertThat(partitionOf("moved")).as("precondition").isEqualTo("wa_events_default");
        partitionsJob(at(beyond.plusMonths(1), 1)).createAhead();
        assertThat(partitionOf("moved")).as("precondition: the job moved it").isEqualTo(name(beyond.plusMonths(1)));

        List<String> owed = LaneHeads.read(jdbc, sql, "hook", "o", 10, (rs, n) -> rs.getString("data_json"));

        assertThat(owed).containsExactly("{\"owed\":\"in-legacy\"}", "{\"owed\":\"in-m1\"}", "{\"owed\":\"in-m3\"}",
                "{\"owed\":\"in-default\"}", "{\"owed\":\"moved\"}");
        // Each partition read as often as it holds an owed event, the others never (runtime pruning).
        Map<String, Integer> loops = tx.execute(status -> {
            jdbc.execute("SET LOCAL enable_hashjoin = off");
            jdbc.execute("SET LOCAL enable_mergejoin = off");
            String plan = jdbc.query(con -> {
                var ps = con.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) "
                        + sql.get("postgresql/outbox/lanes-deliveries"));
                Outbox.lanesDeliveriesParameters("hook", List.of("o"), null, 10).setValues(ps);
                return ps;
            }, rs -> rs.next() ? rs.getString(1) : null);
            return partitionLoops(plan);
        });
        assertThat(loops).containsEntry("wa_events_legacy", 1).containsEntry(name(m1), 1).containsEntry(name(m3), 1)
                .containsEntry("wa_events_default", 1).containsEntry(name(beyond.plusMonths(1)), 1);
        assertThat(loops.getOrDefault(name(m1.plusMonths(1)), 0)).as("a month holding none of them").isZero();
    }

    /** Per partition of wa_events in an EXPLAIN ANALYZE's JSON: how many times its scan ran (0: never executed). */
    private static Map<String, Integer> partitionLoops(String planJson) {
        Map<String, Integer> loops = new HashMap<>();
        try {
            walk(new ObjectMapper().readTree(planJson), loops);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return loops;
    }

    private static void walk(JsonNode node, Map<String, Integer> loops) {
        if (node.isObject() && node.path("Relation Name").asText().startsWith("wa_events_")) {
            loops.merge(node.path("Relation Name").asText(), node.path("Actual Loops").asInt(), Integer::sum);
        }
        node.forEach(child -> walk(child, loops));
    }

    /** An archived event and the delivery an output "hook" owes of it, written as Outbox.add writes it. */
    private void insertOwed(String id, OffsetDateTime at) {
        jdbc.update("INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256, status) "
                + "VALUES (CAST(? AS uuid), 'o', 'message', 'universal', ?, ?, 'x', 'processed')", TestIds.of(id), at,
                "{\"owed\":\"" + id + "\"}");
        jdbc.update(sql.get("outbox/insert"), "hook", "o", EventIds.uuid(TestIds.of(id)), at, null);
    }

    @Test
    void theTableVacuumJobAnalyzesThePartitionsAndTheParent() {
        TableVacuum vacuum = new TableVacuum(jdbc, sql, true, 1000, 1000, lock);
        jdbc.update("INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at) VALUES ('a', 'ready', now(), now())");
        insertMany("legacy", OffsetDateTime.now(ZoneOffset.UTC).minusDays(3), 2000);
        insertMany("m1", at(m1, 2), 1000);
        // Never analyzed: the parent alone, whose ANALYZE also samples every partition.
        List<String> first = analyzedOnceCounted(vacuum, "wa_events");
        assertThat(first).contains("wa_events").noneMatch(t -> t.startsWith("wa_events_"));
        assertThat(jdbc.queryForObject("SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = ?",
                Boolean.class, name(m1))).as("the partitions analyzed with it").isTrue();
        // One month's partition trebles, the whole archive does not double: that partition alone.
        insertMany("m1-more", at(m1, 3), 2000);
        List<String> second = analyzedOnceCounted(vacuum, name(m1));
        assertThat(second).contains(name(m1)).doesNotContain("wa_events", "wa_events_legacy");
    }

    /** Runs the job until it analyzed {@code table} (the statistics' row counts arrive within a second or so). */
    private static List<String> analyzedOnceCounted(TableVacuum vacuum, String table) {
        long deadline = System.currentTimeMillis() + 20_000;
        List<String> analyzed = List.of();
        while (System.currentTimeMillis() < deadline) {
            analyzed = vacuum.run().analyzed();
            if (analyzed.contains(table)) {
                return analyzed;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the job never analyzed " + table + "; last run: " + analyzed);
    }

    private void insertMany(String prefix, OffsetDateTime at, int n) {
        jdbc.update("INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256, status) "
                + "SELECT md5(? || g)::uuid, 'a', 'message', 'universal', ?, '{}', 'x', 'processed' FROM generate_series(1, ?) g",
                prefix + "-", at, n);
    }

    private ArchivePartitions partitionsJob(OffsetDateTime now) {
        return new ArchivePartitions(jdbc, tx, sql, true, 3, Clock.fixed(now.toInstant(), ZoneOffset.UTC), lock);
    }

    private void insertEvent(String id, String session, OffsetDateTime at) {
        jdbc.update("INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at) VALUES (?, 'ready', ?, ?) "
                + "ON CONFLICT DO NOTHING", session, at, at);
        jdbc.update("INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256, status) "
                + "VALUES (CAST(? AS uuid), ?, 'message', 'universal', ?, '{}', 'x', 'processed')", TestIds.of(id), session, at);
        names.put(TestIds.of(id), id);
    }

    /** The rows above are written behind the archive's back: the counts are set as the archive would have kept them. */
    private void setCountsFromTheTable() {
        jdbc.update("UPDATE wa_sessions s SET event_count = (SELECT count(*) FROM wa_events e WHERE e.session_id = s.session_id)");
    }

    private long count(String session) {
        return jdbc.queryForObject("SELECT event_count FROM wa_sessions WHERE session_id = ?", Long.class, session);
    }

    /** The archived events, by the names insertEvent gave them. */
    private List<String> ids() {
        return jdbc.queryForList("SELECT event_id FROM wa_events", String.class).stream()
                .map(id -> names.getOrDefault(id, id)).toList();
    }

    private List<String> partitions() {
        return new ArchivePartitions(jdbc, tx, sql, true, 3, Clock.systemUTC(), lock).list().stream()
                .map(ArchivePartitions.Partition::name).toList();
    }

    private String partitionOf(String eventId) {
        return jdbc.queryForObject("SELECT tableoid::regclass::text FROM wa_events WHERE event_id = CAST(? AS uuid)", String.class,
                TestIds.of(eventId));
    }

    private static String name(YearMonth month) {
        return String.format("wa_events_p%04d%02d", month.getYear(), month.getMonthValue());
    }

    private static OffsetDateTime at(YearMonth month, int day) {
        return month.atDay(day).atTime(12, 0).atOffset(ZoneOffset.UTC);
    }
}
