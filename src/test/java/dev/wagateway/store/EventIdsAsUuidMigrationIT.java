package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.shared.EventIds;
import dev.wagateway.support.Counters;
import dev.wagateway.support.TestPostgres;

/**
 * V19 on a database that has lived at V18: every event and dead-letter id column becomes uuid with every row, key,
 * index, partition, constraint and join as it was, and the gateway's statements read the same canonical text back.
 * A value that is not a UUID stops the migration with the table named, and nothing is changed.
 */
class EventIdsAsUuidMigrationIT {

    /** Every column that holds an event or dead-letter id (V1, V4, V5, V6). */
    private static final List<String> ID_COLUMNS = List.of("wa_events.event_id", "wa_event_dedupe.event_id",
            "wa_outbox.event_id", "wa_dead_letters.id", "wa_dead_letters.event_id", "wa_sessions.last_event_id");
    private static final List<String> TABLES = List.of("wa_events", "wa_event_dedupe", "wa_outbox", "wa_dead_letters",
            "wa_sessions");
    /** The joins on those ids: each pair as text, so the same pairs before (varchar) and after (uuid). */
    private static final Map<String, String> JOINS = Map.of(
            "outbox", "SELECT o.id || ' ' || e.data_json FROM wa_outbox o JOIN wa_events e ON e.event_id = o.event_id",
            "dead letters", "SELECT d.id || ' ' || e.data_json FROM wa_dead_letters d JOIN wa_events e ON e.event_id = d.event_id",
            "dedupe", "SELECT x.dedupe_key || ' ' || e.data_json FROM wa_event_dedupe x JOIN wa_events e ON e.event_id = x.event_id",
            "previous event", "SELECT s.session_id || ' ' || e.data_json FROM wa_sessions s JOIN wa_events e ON e.event_id = s.last_event_id");

    private final SqlCatalog sql = new SqlCatalog();

    @Test
    void anArchiveAtV18KeepsEveryRowKeyIndexPartitionAndJoinWithUuidIds() {
        String url = TestPostgres.createDatabase("v19");
        flyway(url).target("18").load().migrate();
        JdbcTemplate jdbc = TestPostgres.jdbc(url);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        fill(jdbc, now);
        Map<String, Object> before = snapshot(jdbc);
        assertThat(before.get("wa_events rows")).isEqualTo(6003L);
        assertThat(types(jdbc)).as("precondition: text ids").containsOnly("character varying");
        String owedId = jdbc.queryForObject("SELECT event_id FROM wa_outbox ORDER BY id LIMIT 1", String.class);
        Map<String, Object> eventBefore = jdbc.queryForMap(sql.get("api/event"), owedId);

        flyway(url).load().migrate();

        assertThat(types(jdbc)).as("every id column, on every partition too").hasSize(ID_COLUMNS.size() + 5)
                .containsOnly("uuid");
        Map<String, Object> after = snapshot(jdbc);
        assertThat(after).as("rows, keys, indexes, partitions, constraints and joins").isEqualTo(before);
        Counters.assertSessionCountsExact(jdbc);

        // The gateway's own statements: ids bound as java.util.UUID, read back as the text they were.
        Map<String, Object> event = jdbc.queryForMap(sql.get("api/event"), EventIds.uuid(owedId));
        assertThat(event.get("event_id")).isEqualTo(UUID.fromString(owedId));
        event.remove("event_id");
        eventBefore.remove("event_id");
        assertThat(event).isEqualTo(eventBefore);
        String session = (String) event.get("session_id");
        List<String> owed = LaneHeads.read(jdbc, sql, "hook", session, 10,
                (rs, n) -> rs.getString("event_id") + " " + rs.getString("data_json"));
        assertThat(owed).contains(owedId + " " + event.get("data_json")).allMatch(o -> !o.endsWith(" null"));
        String claim = jdbc.queryForObject("SELECT dedupe_key FROM wa_event_dedupe WHERE session_id = ? LIMIT 1",
                String.class, "a");
        assertThat(jdbc.queryForList(sql.get("dedupe/find"), String.class, "a", claim)).singleElement()
                .matches(EventIds::isId);
        DeadLetters deadLetters = new DeadLetters(jdbc, sql);
        String letterId = jdbc.queryForObject("SELECT id FROM wa_dead_letters ORDER BY created_at LIMIT 1", String.class);
        assertThat(deadLetters.find(letterId)).get().satisfies(row -> assertThat(row.get("id").toString()).isEqualTo(letterId));
        assertThat(deadLetters.pendingIds(null, null, null, 10)).contains(letterId).allMatch(EventIds::isId);
        assertThat(deadLetters.find("ev-3")).as("an id that is no UUID names no dead letter").isEmpty();
        assertThat(deadLetters.resolve("ev-3")).isFalse();
        assertThat(deadLetters.resolve(letterId)).isTrue();
        // The key is still a key; new rows go in with the gateway's ids.
        String fresh = EventIds.next();
        insert(jdbc, fresh, now);
        assertThat(jdbc.queryForObject("SELECT event_id FROM wa_events WHERE event_id = ?", String.class,
                EventIds.uuid(fresh))).isEqualTo(fresh);
        assertThatThrownBy(() -> insert(jdbc, fresh, now)).isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void aValueThatIsNoUuidStopsTheMigrationAndChangesNothing() {
        String url = TestPostgres.createDatabase("v19_bad");
        flyway(url).target("18").load().migrate();
        JdbcTemplate jdbc = TestPostgres.jdbc(url);
        fill(jdbc, OffsetDateTime.now(ZoneOffset.UTC));
        // Put in by hand: nothing the gateway wrote ever looked like this.
        jdbc.update("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at) "
                + "VALUES ('hook', 'a', 'not-a-uuid', 0, now())");
        Map<String, Object> before = snapshot(jdbc);

        assertThatThrownBy(() -> flyway(url).load().migrate()).isInstanceOf(FlywayException.class)
                .hasMessageContaining("wa_outbox.event_id holds a value that is not a UUID")
                .hasMessageContaining("not-a-uuid");

        assertThat(snapshot(jdbc)).as("rolled back whole").isEqualTo(before);
        assertThat(types(jdbc)).containsOnly("character varying");
        assertThat(jdbc.queryForObject("SELECT version FROM flyway_schema_history WHERE success "
                + "ORDER BY installed_rank DESC LIMIT 1", String.class)).isEqualTo("18");
        // Once the row is fixed, the same migration goes through.
        jdbc.update("DELETE FROM wa_outbox WHERE event_id = 'not-a-uuid'");
        flyway(url).load().migrate();
        assertThat(types(jdbc)).containsOnly("uuid");
    }

    /**
     * Rows in every table that holds an id, as the gateway writes them at V18 (lower-case text): 6,000 events over
     * 250 days in the legacy partition, one in next month's partition, two in the default one; claims, owed
     * deliveries, dead letters and each session's previous event pointing at them.
     */
    private static void fill(JdbcTemplate jdbc, OffsetDateTime now) {
        for (String s : List.of("a", "b", "c")) {
            jdbc.update("INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at) VALUES (?, 'ready', ?, ?)",
                    s, now.minusDays(400), now);
        }
        jdbc.update("""
                INSERT INTO wa_events (event_id, session_id, event, format, source_ip, auth_method, received_at, data_json,
                                       body_sha256, delivery_id, status, error, processed_at, source)
                SELECT md5('ev' || g)::uuid::text, (ARRAY['a', 'b', 'c'])[1 + g % 3], 'message', 'universal', '10.0.0.1',
                       'hmac', ? - g * interval '1 hour', '{"n":' || g || '}', md5(g::text), 'd-' || g,
                       'processed', NULL, ? - g * interval '1 hour', 'wwebjs'
                  FROM generate_series(0, 5999) g""", now, now);
        jdbc.update("""
                INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256, status)
                SELECT md5('late' || g)::uuid::text, 'a', 'message', 'universal', ? + (g - 1) * interval '400 days', '{"late":' || g || '}',
                       'x', 'processed' FROM generate_series(1, 3) g""", now.plusMonths(1).withDayOfMonth(1).plusDays(2));
        jdbc.update("UPDATE wa_sessions s SET event_count = (SELECT count(*) FROM wa_events e WHERE e.session_id = s.session_id)");
        jdbc.update("""
                UPDATE wa_sessions s SET last_event_id = e.event_id, last_body_sha256 = e.body_sha256, last_accepted_at = e.received_at
                  FROM (SELECT DISTINCT ON (session_id) * FROM wa_events ORDER BY session_id, received_at DESC) e
                 WHERE e.session_id = s.session_id AND s.session_id <> 'c'""");
        jdbc.update("INSERT INTO wa_event_dedupe (session_id, dedupe_key, event_id, expires_at) "
                + "SELECT session_id, 'delivery:' || delivery_id, event_id, received_at + interval '1 day' FROM wa_events "
                + "WHERE delivery_id IS NOT NULL AND received_at > ? - interval '3 days'", now);
        jdbc.update("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at) "
                + "SELECT 'hook', session_id, event_id, 0, received_at FROM wa_events WHERE data_json IN ('{\"n\":3}', "
                + "'{\"n\":4}', '{\"n\":5000}', '{\"late\":1}') ORDER BY received_at");
        jdbc.update("""
                INSERT INTO wa_dead_letters (id, event_id, session_id, event, output, envelope_json, error, attempts, status,
                                             created_at, last_attempt_at)
                SELECT md5('dl' || e.data_json)::uuid::text, e.event_id, e.session_id, e.event, 'hook', '{}', 'down', 8,
                       'pending', e.received_at, e.received_at
                  FROM wa_events e WHERE e.data_json IN ('{"n":7}', '{"n":8}', '{"n":4000}')""");
    }

    /** Everything V19 must keep: each table's rows (as text), the schema's indexes, constraints, partitions, joins. */
    private static Map<String, Object> snapshot(JdbcTemplate jdbc) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (String table : TABLES) {
            s.put(table + " rows", jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class));
            s.put(table, jdbc.queryForObject("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM " + table + " t",
                    String.class));
        }
        s.put("indexes", jdbc.queryForList("SELECT tablename || ' ' || indexname || ' ' || indexdef FROM pg_indexes "
                + "WHERE schemaname = 'public' ORDER BY 1", String.class));
        s.put("constraints", jdbc.queryForList("SELECT conrelid::regclass::text || ' ' || conname || ' ' "
                + "|| pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1",
                String.class));
        s.put("partitions", jdbc.queryForList("SELECT c.relname || ' ' || pg_get_expr(c.relpartbound, c.oid) "
                + "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'wa_events'::regclass "
                + "ORDER BY 1", String.class));
        s.put("rows per partition", jdbc.queryForList("SELECT p || ' ' || count(*) "
                + "FROM (SELECT tableoid::regclass::text AS p FROM wa_events) e GROUP BY p ORDER BY 1", String.class));
        JOINS.forEach((name, join) -> s.put(name, jdbc.queryForList(join + " ORDER BY 1", String.class)));
        assertThat((List<?>) s.get("outbox")).as("precondition: the joins have rows").hasSize(4);
        return s;
    }

    /** The type of each id column, the partitions' own columns included. */
    private static List<String> types(JdbcTemplate jdbc) {
        return jdbc.queryForList("""
                SELECT format_type(a.atttypid, NULL) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT a.attisdropped
                   AND c.relname || '.' || a.attname = ANY (?)
                    OR (c.relname LIKE 'wa\\_events\\_%' AND c.relkind = 'r' AND a.attname = 'event_id')""",
                String.class, (Object) ID_COLUMNS.toArray(String[]::new));
    }

    private void insert(JdbcTemplate jdbc, String id, OffsetDateTime at) {
        jdbc.update(sql.get("events/insert"), EventIds.uuid(id), "a", "message", "universal", null, null, at, "{}", "x",
                null, "processed", null, at, "wwebjs");
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(String url) {
        // The locations the gateway's Flyway reads on PostgreSQL (application.yml: common + {vendor}).
        return Flyway.configure().dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/common", "classpath:db/migration/postgresql");
    }
}
