package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The first-run default: no DATABASE_URL, so the gateway keeps its data in an H2 file under the data directory.
 * The same routes and SQL run on it as on PostgreSQL.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gateway.data-dir=target/embedded-db-test", "gateway.rate-limit.per-minute=1000"})
class EmbeddedDatabaseIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

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
}
