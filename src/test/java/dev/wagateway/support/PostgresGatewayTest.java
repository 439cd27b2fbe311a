package dev.wagateway.support;

import java.util.Map;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.wagateway.GatewayApplication;

/**
 * The whole gateway on a random port with the repository's routes/ and a fresh database on the real PostgreSQL
 * server; tests drive it over HTTP and read the tables back.
 *
 * <p>Most tests extend {@link SharedGatewayTest} (or {@link SignedGatewayTest}, {@link NoAdminKeyGatewayTest})
 * instead: one application context, booted once, for all of them. Extend this class directly when a test needs settings no other test may see (its
 * own {@code @TestPropertySource}, {@code @Import}, {@code @DynamicPropertySource} with its own servers): each
 * distinct set of settings is an application context of its own, booted on a database of its own, several seconds
 * of every build.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class PostgresGatewayTest {

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcTemplate jdbc;

    protected WebhookClient client;

    @DynamicPropertySource
    static void freshDatabase(DynamicPropertyRegistry registry) {
        TestPostgres.useFreshDatabase(registry, "it");
    }

    @BeforeEach
    void connectClient() {
        client = new WebhookClient(port);
    }

    protected Map<String, Object> eventRow(String eventId) {
        return jdbc.queryForMap("SELECT * FROM wa_events WHERE event_id = CAST(? AS uuid)", eventId);
    }

    protected Map<String, Object> sessionRow(String sessionId) {
        return jdbc.queryForMap("SELECT * FROM wa_sessions WHERE session_id = ?", sessionId);
    }

    protected long count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }

    /**
     * Rows of every table a request could touch, to show that a refused request changed nothing: compared before
     * and after it within one test, which holds on a shared database too (classes run one at a time).
     */
    protected long allRows() {
        return count("wa_events") + count("wa_sessions") + count("wa_event_dedupe");
    }
}
