package dev.wagateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The counters the archive keeps (V10: each session's event, message and call counts, the per-minute throughput
 * rollup) compared with counting the tables themselves, which is what they replace.
 */
public final class Counters {

    private Counters() {
    }

    /** Every session's three counts equal count(*) of its rows. */
    public static void assertSessionCountsExact(JdbcTemplate jdbc) {
        List<Map<String, Object>> wrong = jdbc.queryForList("""
                SELECT s.session_id, s.event_count, s.message_count, s.call_count,
                       (SELECT count(*) FROM wa_events e WHERE e.session_id = s.session_id) AS events,
                       (SELECT count(*) FROM wa_messages m WHERE m.session_id = s.session_id) AS messages,
                       (SELECT count(*) FROM wa_calls c WHERE c.session_id = s.session_id) AS calls
                  FROM wa_sessions s""");
        for (Map<String, Object> row : wrong) {
            assertThat(((Number) row.get("event_count")).longValue()).as("event_count of %s", row.get("session_id"))
                    .isEqualTo(((Number) row.get("events")).longValue());
            assertThat(((Number) row.get("message_count")).longValue()).as("message_count of %s", row.get("session_id"))
                    .isEqualTo(((Number) row.get("messages")).longValue());
            assertThat(((Number) row.get("call_count")).longValue()).as("call_count of %s", row.get("session_id"))
                    .isEqualTo(((Number) row.get("calls")).longValue());
        }
        // No archived event of a session without its row (which would be counted nowhere).
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events e WHERE NOT EXISTS "
                + "(SELECT 1 FROM wa_sessions s WHERE s.session_id = e.session_id)", Long.class)).isZero();
    }

    /** The throughput rollup holds, per minute and type, exactly the events archived then (nothing purged since). */
    public static void assertMinutesExact(JdbcTemplate jdbc) {
        List<Map<String, Object>> counted = jdbc.queryForList("""
                SELECT date_trunc('minute', received_at) AS minute_at, event, count(*) AS events FROM wa_events
                 GROUP BY date_trunc('minute', received_at), event ORDER BY 1, 2""");
        List<Map<String, Object>> rolled = jdbc.queryForList("""
                SELECT minute_at, event, SUM(events) AS events FROM wa_event_minutes
                 GROUP BY minute_at, event ORDER BY 1, 2""");
        assertThat(normalise(rolled)).isEqualTo(normalise(counted));
    }

    private static List<String> normalise(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> instant(r.get("minute_at")) + " " + r.get("event") + " "
                + ((Number) r.get("events")).longValue()).toList();
    }

    private static java.time.Instant instant(Object value) {
        return value instanceof java.sql.Timestamp t ? t.toInstant()
                : ((java.time.OffsetDateTime) value).toInstant();
    }
}
