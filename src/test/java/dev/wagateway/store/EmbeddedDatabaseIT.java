package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.Counters;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The first-run default: no DATABASE_URL, so the gateway keeps its data in an H2 file under the data directory.
 * The same routes and SQL run on it as on PostgreSQL.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gateway.data-dir=target/embedded-db-test", "gateway.rate-limit.per-minute=1000",
                "gateway.api.admin-key=" + EmbeddedDatabaseIT.ADMIN_KEY})
class EmbeddedDatabaseIT {

    static final String ADMIN_KEY = "embedded-admin-key";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Outbox outbox;

    /**
     * The embedded database is opened by one process only, so a lease that is not this process's was left by one
     * that died: the process takes it back at start (here called again, on a lane leased for another minute).
     */
    @Test
    void aDeadProcesssLeasesGoBackAtOnceOnH2() {
        String session = "h2-lease-" + System.nanoTime();
        jdbc.update("INSERT INTO wa_outbox_lanes (output, session_id, due_at, leased_by, lease_until)"
                + " VALUES ('gone', ?, CURRENT_TIMESTAMP, 'gwl-dead-process', DATEADD('SECOND', 60, CURRENT_TIMESTAMP))",
                session);
        assertThat(outbox.takeBackDeadLeases()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForMap("SELECT leased_by, lease_until FROM wa_outbox_lanes WHERE session_id = ?", session))
                .containsEntry("LEASED_BY", null).containsEntry("LEASE_UNTIL", null);
    }

    /**
     * The claim's one-statement lease and read of many lanes on H2 (a window, where PostgreSQL uses LATERAL): each
     * lane's first rows in id order, the due filter of {@code order: none}, then all handed back in one commit.
     */
    @Test
    void manyLanesAreLeasedAndReadInOneStatementEachOnH2() {
        String run = "h2-many-" + System.nanoTime() + "-";
        List<String> sessions = new ArrayList<>();
        Map<String, List<Long>> ids = new HashMap<>();
        for (int s = 0; s < 5; s++) {
            sessions.add(run + s);
            jdbc.update("INSERT INTO wa_outbox_lanes (output, session_id, due_at) VALUES ('h2-idle', ?, CURRENT_TIMESTAMP)",
                    run + s);
        }
        for (int round = 0; round < 4; round++) {
            for (String session : sessions) {
                OffsetDateTime retryAt = round == 1 ? OffsetDateTime.now().plusHours(1) : null;
                jdbc.update("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at, next_attempt_at)"
                        + " VALUES ('h2-idle', ?, ?, 0, CURRENT_TIMESTAMP, ?)", session, UUID.randomUUID().toString(), retryAt);
                ids.computeIfAbsent(session, k -> new ArrayList<>()).add(jdbc.queryForObject(
                        "SELECT MAX(id) FROM wa_outbox WHERE session_id = ?", Long.class, session));
            }
        }
        Outbox.Claim claim = outbox.claimLanes("h2-idle", 64, Duration.ofMinutes(1));
        assertThat(claim.sessions()).containsExactlyInAnyOrderElementsOf(sessions);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox_lanes WHERE output = 'h2-idle' AND leased_by = ?",
                Long.class, claim.holder())).isEqualTo(5);
        Map<String, List<Outbox.Delivery>> heads = outbox.deliveries("h2-idle", claim.sessions(), null, 2);
        Map<String, List<Outbox.Delivery>> due = outbox.deliveries("h2-idle", claim.sessions(), OffsetDateTime.now(), 2);
        for (String session : sessions) {
            List<Long> all = ids.get(session);
            assertThat(heads.get(session)).extracting(Outbox.Delivery::id).containsExactly(all.get(0), all.get(1));
            assertThat(due.get(session)).extracting(Outbox.Delivery::id).containsExactly(all.get(0), all.get(2));
        }
        outbox.finishLanes("h2-idle", sessions.stream()
                .map(s -> new Outbox.Finished(s, claim.holder(), List.of(ids.get(s).get(0)), OffsetDateTime.now())).toList());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox WHERE output = 'h2-idle'", Long.class)).isEqualTo(15);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox_lanes WHERE output = 'h2-idle' AND leased_by IS NULL",
                Long.class)).isEqualTo(5);
        jdbc.update("DELETE FROM wa_outbox WHERE output = 'h2-idle'");
        jdbc.update("DELETE FROM wa_outbox_lanes WHERE output = 'h2-idle'");
    }

    @Test
    void samplesAreStoredInAnH2FileUnderTheDataDirectory() throws Exception {
        assertThat(jdbc.queryForObject("SELECT DATABASE_PATH()", String.class))
                .contains(Path.of("target/embedded-db-test").toAbsolutePath().normalize().toString());
        assertThat(Files.exists(Path.of("target/embedded-db-test/whatsapp-gateway.mv.db"))).isTrue();

        WebhookClient client = new WebhookClient(port);
        String session = "h2-" + System.nanoTime();
        for (String sample : new String[] {"qr", "authenticated", "message", "group_join", "ready"}) {
            Response r = client.post("/api/whatsapp/webhook", Samples.forSession(sample, session));
            assertThat(r.status()).as(sample).isEqualTo(200);
        }
        // A retry of the previous event is a repeat (RepeatRulesEmbeddedIT covers the rest).
        Response again = client.post("/api/whatsapp/webhook", Samples.forSession("ready", session));
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();

        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, session)).isEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT status FROM wa_sessions WHERE session_id = ?", String.class, session)).isEqualTo("ready");
        assertThat(jdbc.queryForObject("SELECT status FROM wa_events WHERE session_id = ? AND event = 'group_join'",
                String.class, session)).isEqualTo("unrouted");
    }

    /**
     * The counters of the sessions list and the throughput rollup on H2: its Java insert trigger (db/migration/h2)
     * counts a message or call once, however many events tell of it (a MERGE that updates, an insert skipped on a
     * conflict), and the rollup's MERGE adds up.
     */
    @Test
    void countersFollowTheRowsOnH2() throws Exception {
        WebhookClient client = new WebhookClient(port);
        String session = "h2-counts-" + System.nanoTime();
        int delivery = 0;
        // message: the upsert; message_ack of another message: insert-if-new; each twice under new delivery ids,
        // so the second is a new event but not a new message or call.
        for (String sample : new String[] {"message", "message_ack", "call", "message", "message_ack", "call", "ready"}) {
            Response r = client.post("/api/whatsapp/webhook", Samples.forSession(sample, session),
                    java.util.Map.of("X-Delivery-Id", "d-" + delivery++));
            assertThat(r.status()).as(sample).isEqualTo(200);
        }
        Response repeat = client.post("/api/whatsapp/webhook", Samples.forSession("ready", session),
                java.util.Map.of("X-Delivery-Id", "d-" + (delivery - 1)));
        assertThat(repeat.json().path("duplicate").asBoolean()).isTrue();

        assertThat(jdbc.queryForMap("SELECT event_count, message_count, call_count FROM wa_sessions WHERE session_id = ?",
                session)).containsEntry("EVENT_COUNT", 7L).containsEntry("MESSAGE_COUNT", 2L).containsEntry("CALL_COUNT", 1L);
        Counters.assertSessionCountsExact(jdbc);
        Counters.assertMinutesExact(jdbc);
        var body = client.get("/api/whatsapp/sessions/" + session,
                java.util.Map.of("Authorization", "Bearer " + ADMIN_KEY)).json();
        assertThat(body.toString()).contains("\"eventCount\":7").contains("\"messageCount\":2").contains("\"callCount\":1");
    }
}
