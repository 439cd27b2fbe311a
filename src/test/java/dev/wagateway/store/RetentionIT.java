package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Counters;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.TestIds;

/** The scheduled route deletes old archived events in batches, and expired dedupe claims; nothing else. */
@TestPropertySource(properties = {
        "gateway.retention.archive-days=30",
        "gateway.retention.batch-size=2",
        "gateway.retention.interval=500",
        "gateway.retention.initial-delay=500"})
class RetentionIT extends PostgresGatewayTest {

    @Test
    void oldEventsGoInBatchesAndTheDomainTablesStay() throws Exception {
        OffsetDateTime old = OffsetDateTime.now(ZoneOffset.UTC).minusDays(40);
        // The rows below are written behind the archive's back: the session's count is set as the archive would.
        jdbc.update("INSERT INTO wa_sessions (session_id, status, first_seen_at, updated_at, event_count) "
                + "VALUES ('ret', 'new', ?, ?, 6)", old, old);
        List<String> oldIds = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            oldIds.add(TestIds.of("old-" + i));
            jdbc.update("INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256, status) "
                    + "VALUES (CAST(? AS uuid), 'ret', 'message', 'universal', ?, '{}', 'x', 'processed')", oldIds.get(i),
                    old.plusMinutes(i));
            jdbc.update("INSERT INTO wa_event_dedupe (session_id, dedupe_key, event_id, expires_at) "
                    + "VALUES ('ret', ?, CAST(? AS uuid), ?)", "k" + i, oldIds.get(i), old);
        }
        String owed = TestIds.of("owed-1");
        // One old event is still owed to an output (down since): it stays until delivered or dead-lettered.
        jdbc.update("INSERT INTO wa_events (event_id, session_id, event, format, received_at, data_json, body_sha256, status) "
                + "VALUES (CAST(? AS uuid), 'ret', 'message', 'universal', ?, '{}', 'x', 'processed')", owed, old);
        jdbc.update("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at) "
                + "VALUES ('http-away', 'ret', CAST(? AS uuid), 3, ?)", owed, old);
        // Only a sender delivery id leaves a claim (a body is compared with the session's previous event instead).
        String recent = client.post("/api/whatsapp/webhook", Samples.forSession("message", "ret"),
                java.util.Map.of("X-Delivery-Id", "recent-1")).json().path("eventId").asText();

        long deadline = System.currentTimeMillis() + 15_000;
        while (System.currentTimeMillis() < deadline
                && countOf("wa_events", oldIds) > 0) {
            Thread.sleep(200);
        }
        assertThat(countOf("wa_events", oldIds)).isZero();
        assertThat(countOf("wa_event_dedupe", oldIds)).isZero();
        assertThat(eventRow(recent)).containsEntry("status", "processed");
        assertThat(eventRow(owed)).as("an event an output still owes").containsEntry("status", "processed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_event_dedupe WHERE event_id = CAST(? AS uuid)", Long.class, recent))
                .as("a live claim stays").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_messages WHERE session_id = 'ret'", Long.class)).isEqualTo(1);
        assertThat(sessionRow("ret")).isNotEmpty();
        // The count the sessions list shows follows what retention deleted.
        Counters.assertSessionCountsExact(jdbc);
    }

    private long countOf(String table, List<String> ids) {
        return ids.stream().mapToLong(id -> jdbc.queryForObject(
                "SELECT count(*) FROM " + table + " WHERE event_id = CAST(? AS uuid)", Long.class, id)).sum();
    }
}
