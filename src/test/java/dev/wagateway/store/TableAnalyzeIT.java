package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.PostgresGatewayTest;

/**
 * Issue 22: the acks' update (sql/messages/raise-ack.sql) kept a generic plan PostgreSQL cached while wa_messages
 * was small and never analyzed, on an index of session_id alone, so each ack read all of its session's rows as the
 * table grew. The table-vacuum job now analyzes the table, which makes every connection plan it again. Shown on one
 * connection holding the statement prepared, as the gateway's pooled connections do.
 */
// The scheduled route would first run in an hour: here the test runs the job itself, so nothing analyzes the table
// between the "before" and the "after" but the job.
@TestPropertySource(properties = "gateway.retention.vacuum-interval=1h")
class TableAnalyzeIT extends PostgresGatewayTest {

    private static final String SESSION = "plan-session";

    @Autowired
    TableVacuum tableVacuum;

    @Autowired
    SqlCatalog sql;

    @Test
    void theAcksCachedPlanUsesTheMessageIdOnceTheJobAnalyzedTheGrownTable() {
        jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (Statement s = connection.createStatement()) {
                // Whatever the server's autovacuum does, only the gateway's job may analyze this table here.
                s.execute("ALTER TABLE wa_messages SET (autovacuum_enabled = false)");
                // A few hundred rows of one chat, as in the benchmark: the small table the plan is cached on
                insertMessages(s, 0, 300);
                s.execute("SET plan_cache_mode = force_generic_plan");
                s.execute("PREPARE raise_ack AS " + positional(sql.get("messages/raise-ack")));

                String small = indexConditions(s);
                assertThat(small).as("the generic plan cached on the small, never analyzed table (precondition)")
                        .contains("session_id").doesNotContain("message_id");

                insertMessages(s, 300, 3000);
                assertThat(indexConditions(s)).as("the same cached plan on the grown table, before the job")
                        .isEqualTo(small);

                // The row counts reach the statistics within a second or so: run the job until it has seen them
                AtomicReference<TableVacuum.Done> done = new AtomicReference<>();
                Await.until(Duration.ofSeconds(20), () -> {
                    done.set(tableVacuum.run());
                    return done.get().analyzed().contains("wa_messages");
                }, "the job to analyze wa_messages", () -> String.valueOf(done.get()));

                assertThat(indexConditions(s)).as("the plan after the job, on the same connection")
                        .contains("message_id");
                assertThat(tableVacuum.run().analyzed()).as("analyzed once: nothing changed since")
                        .doesNotContain("wa_messages");

                // Twice the rows of the last ANALYZE: stale again
                insertMessages(s, 3000, 6100);
                Await.until(Duration.ofSeconds(20), () -> {
                    done.set(tableVacuum.run());
                    return done.get().analyzed().contains("wa_messages");
                }, "the job to analyze wa_messages again once doubled", () -> String.valueOf(done.get()));
            }
            return null;
        });
        assertThat(jdbc.queryForObject("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'wa_messages'",
                Long.class)).isEqualTo(2);
    }

    /** Messages {@code from} (inclusive) to {@code to} of the session, all in one chat at one timestamp. */
    private static void insertMessages(Statement s, int from, int to) throws SQLException {
        s.executeUpdate("INSERT INTO wa_messages (session_id, message_id, chat_id, from_id, to_id, body, type, msg_timestamp,"
                + " from_me, ack, raw_json, created_at, updated_at)"
                + " SELECT '" + SESSION + "', 'true_6281234567890@c.us_3EB0' || g, '6281234567890@c.us', '6289876543210@c.us',"
                + " '6281234567890@c.us', 'Sudah, Kak', 'chat', 1764312060, true, 1, repeat('x', 500), now(), now()"
                + " FROM generate_series(" + (from + 1) + ", " + to + ") g");
    }

    /** The Index Cond lines of the prepared statement's plan (the generic one: plan_cache_mode). */
    private static String indexConditions(Statement s) throws SQLException {
        List<String> conditions = new ArrayList<>();
        String at = OffsetDateTime.now().toString();
        try (ResultSet r = s.executeQuery("EXPLAIN EXECUTE raise_ack(2, '" + at + "', '" + SESSION
                + "', 'true_6281234567890@c.us_3EB01', 2)")) {
            while (r.next()) {
                if (r.getString(1).contains("Index Cond")) {
                    conditions.add(r.getString(1).trim());
                }
            }
        }
        return String.join("\n", conditions);
    }

    /** camel-sql's :#name parameters as PostgreSQL's $1, $2, ... in their order, as the JDBC driver sends them. */
    private static String positional(String statement) {
        Matcher m = Pattern.compile(":#\\w+").matcher(statement);
        StringBuilder out = new StringBuilder();
        int n = 0;
        while (m.find()) {
            m.appendReplacement(out, "\\$" + ++n);
        }
        return m.appendTail(out).toString();
    }
}
