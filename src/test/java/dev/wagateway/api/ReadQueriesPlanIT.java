package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.store.SqlCatalog;
import dev.wagateway.support.SharedGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.TestPostgres;

/**
 * Every read of the read API, the intake's dedupe lookups and the retention purge can be served by an index
 * (the sessions list and the throughput chart read counters, V10, rather than counting the archive):
 * with sequential scans priced out, PostgreSQL's plan for each has none.
 */
class ReadQueriesPlanIT extends SharedGatewayTest {

    private static final String SESSION = "plan-reads";

    @Autowired
    ReadQueries queries;

    @Autowired
    SqlCatalog sql;

    @BeforeEach
    void rowsAndStatistics() {
        // Rows of its own session (the plans do not depend on whose rows they are): the default samples' session is
        // other classes' to post, and a repeat of theirs would be answered duplicate.
        if (jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, SESSION) == 0) {
            for (String s : Samples.ALL) {
                client.post("/api/whatsapp/webhook", Samples.forSession(s, SESSION));
            }
        }
        jdbc.execute("ANALYZE");
    }

    private List<String> plan(String statement, List<Object> args) {
        return plan(jdbc, "EXPLAIN ", statement, args);
    }

    private static List<String> plan(JdbcTemplate jdbc, String explain, String statement, List<Object> args) {
        return jdbc.execute((ConnectionCallback<List<String>>) c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET enable_seqscan = off");
            }
            List<String> lines = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(explain + statement)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lines.add(rs.getString(1));
                    }
                }
            } finally {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET enable_seqscan");
                }
            }
            return lines;
        });
    }

    @Test
    void noReadNeedsASequentialScan() {
        ReadQueries.Page page = new ReadQueries.Page(50, 0);
        OffsetDateTime since = OffsetDateTime.now().minusDays(1);
        Map<String, ReadQueries.Query> reads = new LinkedHashMap<>();
        reads.put("sessions", queries.sessions(page));
        reads.put("session", queries.session("toko-jakarta"));
        reads.put("session qr", queries.sessionQr("toko-jakarta"));
        reads.put("messages", queries.messages("toko-jakarta", null, null, null, page));
        reads.put("messages by chat, since, fromMe", queries.messages("toko-jakarta", "6281234567890@c.us", true, 1764312000L, page));
        reads.put("message", queries.message("false_6281234567890@c.us_3EB0C767D71D3A5F0A1B"));
        reads.put("media", queries.media("0".repeat(64)));
        reads.put("events", queries.events(null, null, null, null, page));
        reads.put("events by session", queries.events("toko-jakarta", null, null, null, page));
        reads.put("events by event", queries.events(null, "qr", null, null, page));
        reads.put("events by status", queries.events(null, null, "failed", null, page));
        reads.put("events by source", queries.events(null, null, null, "waha", null, null, page));
        reads.put("events since", queries.events(null, null, null, since, page));
        reads.put("events by all", queries.events("toko-jakarta", "qr", "processed", since, page));
        reads.put("events in a time range", queries.events(null, null, null, null, since, OffsetDateTime.now(), page));
        reads.put("events of a session until", queries.events("toko-jakarta", null, null, null, null, OffsetDateTime.now(), page));
        reads.put("event", queries.event("0190a0b0-0000-7000-8000-000000000001"));
        reads.put("throughput", queries.throughput(OffsetDateTime.now().minusHours(1)));
        reads.put("pending dead letters per output", new ReadQueries.Query(sql.get("dead-letters/pending-counts"), List.of()));
        reads.put("dedupe find", new ReadQueries.Query(sql.get("dedupe/find"), List.of("s", "k")));
        reads.put("retention's old events", new ReadQueries.Query(sql.get("retention/old-events"), List.of(since, 1000)));
        reads.put("retention's delete of a session's", new ReadQueries.Query(sql.get("retention/delete-session-events"),
                List.of("toko-jakarta", new UUID[] {UUID.randomUUID(), UUID.randomUUID()})));
        reads.put("retention's count", new ReadQueries.Query(sql.get("retention/lower-event-count"), List.of(2, "toko-jakarta")));
        reads.put("throughput rollup purge", new ReadQueries.Query(sql.get("retention/purge-event-minutes"), List.of(since)));
        reads.put("dedupe purge", new ReadQueries.Query(sql.get("retention/purge-dedupe"), List.of(since, 1000)));

        reads.forEach((name, query) -> {
            List<String> plan = plan(query.sql(), query.args());
            assertThat(String.join("\n", plan)).as(name).doesNotContain("Seq Scan").containsIgnoringCase("Index");
        });
    }

    /**
     * The shape that cost 209 ms at 5 M events: a value common in the old archive and absent from the recent
     * traffic. One statement let PostgreSQL walk the newest-first received_at index through every newer row (20,000
     * here, 400,000 there); the list finds the page in the filter's own index instead, and still gives the newest
     * rows of that value, newest first. Its own database: the skewed rows would be in other classes' lists.
     */
    @Test
    void aValueAbsentLatelyIsFoundInItsIndexNotByWalkingTheNewerRows() {
        JdbcTemplate skewed = TestPostgres.jdbc(TestPostgres.createMigratedDatabase("plan_skew"));
        // 80,000 older events of eight types (every eighth a call, failed, from WAHA), then 20,000 recent messages.
        skewed.update("INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256,"
                + " status, source) SELECT gen_random_uuid(), 's' || (i % 100), (ARRAY['message', 'message_ack',"
                + " 'message_create', 'ready', 'change_state', 'call', 'message', 'message_create'])[1 + i % 8], 'wwebjs',"
                + " now() - interval '40 days' + i * interval '1 second', '{}', md5(i::text), (ARRAY['processed',"
                + " 'unrouted', 'processed', 'processed', 'processed', 'failed', 'processed', 'processed'])[1 + i % 8],"
                + " (ARRAY['wwebjs', 'cloud', 'wwebjs', 'evolution', 'wwebjs', 'waha', 'wwebjs', 'wwebjs'])[1 + i % 8]"
                + " FROM generate_series(1, 80000) i");
        skewed.update("INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256,"
                + " status, source) SELECT gen_random_uuid(), 's' || (i % 100), 'message', 'wwebjs',"
                + " now() - interval '1 day' + i * interval '100 milliseconds', '{}', md5(i::text), 'processed', 'wwebjs'"
                + " FROM generate_series(1, 20000) i");
        skewed.execute("VACUUM ANALYZE wa_events");
        ReadQueries.Page page = new ReadQueries.Page(50, 0);
        Map<String, ReadQueries.Query> reads = new LinkedHashMap<>();
        reads.put("event = call", queries.events(null, "call", null, null, page));
        reads.put("status = failed", queries.events(null, null, "failed", null, page));
        reads.put("source = waha", queries.events(null, null, null, "waha", null, null, page));
        List<String> newestCalls = skewed.queryForList("SELECT event_id FROM wa_events WHERE event = 'call'"
                + " ORDER BY received_at DESC, event_id DESC LIMIT 50", String.class);
        reads.forEach((name, query) -> {
            String plan = String.join("\n", plan(skewed, "EXPLAIN (ANALYZE, COSTS OFF) ", query.sql(), query.args()));
            Matcher removed = Pattern.compile("Rows Removed by Filter: (\\d+)").matcher(plan);
            while (removed.find()) {
                assertThat(Long.parseLong(removed.group(1))).as(name + " reads rows it throws away:\n" + plan)
                        .isLessThan(1000);
            }
            List<String> ids = skewed.query(query.sql(), (rs, n) -> rs.getString("event_id"), query.args().toArray());
            assertThat(ids).as(name).isEqualTo(newestCalls);
        });
    }
}
