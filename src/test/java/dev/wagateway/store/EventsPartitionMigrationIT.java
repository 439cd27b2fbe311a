package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.support.Counters;
import dev.wagateway.support.TestPostgres;

/**
 * V17 on a database that has lived at V16: the archive becomes partitioned by month with every row, key, counter
 * and read as it was. The old table is attached as wa_events_legacy, not copied.
 */
class EventsPartitionMigrationIT {

    private static final String EVERY_ROW = "SELECT md5(string_agg(e::text, '|' ORDER BY e.event_id)) FROM "
            + "(SELECT event_id, session_id, event, format, source_ip, auth_method, received_at, data_json, body_sha256,"
            + " delivery_id, status, error, processed_at, source FROM wa_events) e";

    @Test
    void anArchiveAtV16KeepsEveryRowKeyCounterAndReadAtV17() {
        String url = TestPostgres.createDatabase("v17");
        flyway(url).target("16").load().migrate();
        JdbcTemplate jdbc = TestPostgres.jdbc(url);
        SqlCatalog sql = new SqlCatalog();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // 400 days of an archive over 3 sessions, today's rows included, counted as the gateway counts them (V10).
        for (String s : List.of("a", "b", "c")) {
            jdbc.update("INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at) VALUES (?, 'ready', ?, ?)",
                    s, now.minusDays(400), now);
        }
        jdbc.update("""
                INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at, data_json,
                                       body_sha256, delivery_id, status, error, processed_at, source)
                SELECT 'ev-' || g, (ARRAY['a', 'b', 'c'])[1 + g % 3], CASE WHEN g % 5 = 0 THEN 'ready' ELSE 'message' END,
                       'universal', '10.0.0.' || (g % 7), 'hmac', ? - g * interval '1 hour', '{"n":' || g || '}', md5(g::text),
                       CASE WHEN g % 2 = 0 THEN 'd-' || g END, CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'processed' END,
                       CASE WHEN g % 50 = 0 THEN 'boom' END, ? - g * interval '1 hour', CASE WHEN g % 9 = 0 THEN 'cloud' ELSE 'wwebjs' END
                  FROM generate_series(0, 9599) g""", now, now);
        jdbc.update("UPDATE wa_sessions s SET event_count = (SELECT count(*) FROM wa_events e WHERE e.session_id = s.session_id)");
        jdbc.update("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at) "
                + "SELECT 'hook', session_id, event_id, 0, received_at FROM wa_events WHERE event_id IN ('ev-3', 'ev-9000')");
        String before = jdbc.queryForObject(EVERY_ROW, String.class);
        Map<String, Object> oneBefore = jdbc.queryForMap(sql.get("api/event"), "ev-9000");

        // Up to V18: these ids are readable text, which V19 (uuid ids, EventIdsAsUuidMigrationIT) would refuse.
        flyway(url).target("18").load().migrate();

        assertThat(jdbc.queryForObject("SELECT relkind::text FROM pg_class WHERE relname = 'wa_events'", String.class))
                .isEqualTo("p");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events", Long.class)).isEqualTo(9600);
        assertThat(jdbc.queryForObject(EVERY_ROW, String.class)).as("every column of every row").isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE tableoid = 'wa_events_legacy'::regclass",
                Long.class)).as("attached, not copied").isEqualTo(9600);
        YearMonth next = YearMonth.now(ZoneOffset.UTC).plusMonths(1);
        assertThat(jdbc.queryForList("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = 'wa_events'::regclass ORDER BY 1", String.class))
                .containsExactly("wa_events_default", "wa_events_legacy", "wa_events_p" + month(next),
                        "wa_events_p" + month(next.plusMonths(1)), "wa_events_p" + month(next.plusMonths(2)));
        assertThat(jdbc.queryForList("""
                SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                 WHERE i.indrelid = 'wa_events'::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)""",
                String.class)).as("the primary key").containsExactly("event_id", "received_at");
        assertThat(jdbc.queryForList("SELECT indexname FROM pg_indexes WHERE tablename = 'wa_events_legacy'", String.class))
                .as("the old indexes reused, the new key's built").hasSize(6).contains("wa_events_legacy_pkey");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_constraint WHERE conrelid = 'wa_events_legacy'::regclass "
                + "AND contype = 'c'", Long.class)).as("the attach's CHECK is not left behind").isZero();
        Counters.assertSessionCountsExact(jdbc);

        // The reads by event id alone: events/{id}, and the outbox's join carrying the owed event.
        assertThat(jdbc.queryForMap(sql.get("api/event"), "ev-9000")).isEqualTo(oneBefore);
        List<String> owed = LaneHeads.read(jdbc, sql, "hook", (String) oneBefore.get("session_id"), 10,
                (rs, n) -> rs.getString("data_json"));
        assertThat(owed).containsExactlyInAnyOrder("{\"n\":3}", "{\"n\":9000}");
        // New rows go to their month's partition; today's still to the legacy one, which covers this month.
        OffsetDateTime inNext = next.atDay(2).atStartOfDay().atOffset(ZoneOffset.UTC);
        insert(jdbc, sql, "new-now", now);
        insert(jdbc, sql, "new-next", inNext);
        assertThat(jdbc.queryForObject("SELECT tableoid::regclass::text FROM wa_events WHERE event_id = 'new-now'",
                String.class)).isEqualTo("wa_events_legacy");
        assertThat(jdbc.queryForObject("SELECT tableoid::regclass::text FROM wa_events WHERE event_id = 'new-next'",
                String.class)).isEqualTo("wa_events_p" + month(next));
        assertThatThrownBy(() -> insert(jdbc, sql, "new-next", inNext)).as("the key is still a key")
                .isInstanceOf(DuplicateKeyException.class);
    }

    private static void insert(JdbcTemplate jdbc, SqlCatalog sql, String id, OffsetDateTime at) {
        jdbc.update(sql.get("events/insert"), id, "a", "message", "universal", null, null, at, "{}", "x", null,
                "processed", null, at, "wwebjs");
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url) {
        // The locations the gateway's Flyway reads on PostgreSQL (application.yml: common + {vendor}).
        return Flyway.configure().dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/common", "classpath:db/migration/postgresql");
    }

    private static String month(YearMonth m) {
        return String.format("%04d%02d", m.getYear(), m.getMonthValue());
    }
}
