package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.TcpProxy;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The database goes away under a running gateway: webhooks get 503 storage_unavailable (never a 200 for an event
 * that was not stored), promptly, and are stored again once it is back. The gateway reaches the real PostgreSQL
 * through a TCP relay that the test cuts and restores.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.hikari.connection-timeout=1500", "spring.datasource.hikari.maximum-pool-size=4"})
class StorageOutageIntegrationTest {

    private static TcpProxy proxy;
    private static String directUrl;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate viaProxy;

    @DynamicPropertySource
    static void databaseBehindProxy(DynamicPropertyRegistry registry) throws IOException {
        directUrl = TestPostgres.createDatabase("outage");
        URI server = URI.create(directUrl.substring("jdbc:".length()));
        proxy = new TcpProxy(server.getHost(), server.getPort());
        String proxied = directUrl.replace(server.getHost() + ":" + server.getPort(), "127.0.0.1:" + proxy.port());
        registry.add("spring.datasource.url", () -> proxied);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
    }

    @AfterAll
    static void closeProxy() throws IOException {
        proxy.close();
    }

    private long storedFor(String session) {
        return new JdbcTemplate(new org.springframework.jdbc.datasource.DriverManagerDataSource(
                directUrl, TestPostgres.USER, TestPostgres.PASSWORD))
                .queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, session);
    }

    @Test
    void webhooksGet503WhileTheDatabaseIsDownAnd200AfterItReturns() throws Exception {
        WebhookClient client = new WebhookClient(port);
        String body = "{\"sessionId\":\"outage\",\"event\":\"loading_screen\",\"data\":{\"percent\":%d}}";

        assertThat(client.post("/api/whatsapp/webhook", body.formatted(1)).status()).isEqualTo(200);

        proxy.cut();
        try {
            for (int i = 2; i <= 4; i++) {
                Instant start = Instant.now();
                Response down = client.post("/api/whatsapp/webhook", body.formatted(i));
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.error()).isEqualTo("storage_unavailable");
                assertThat(down.header("Retry-After")).isNotBlank();
                assertThat(down.body()).doesNotContainIgnoringCase("jdbc").doesNotContainIgnoringCase("sql")
                        .doesNotContain("Exception").doesNotContain("at dev.");
                assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
            }
            assertThat(client.get("/api/whatsapp/webhook").status()).as("availability needs no database").isEqualTo(200);
        } finally {
            proxy.restore();
        }

        // The pool replaces its broken connections; the next deliveries are stored again.
        Response back = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            back = client.post("/api/whatsapp/webhook", body.formatted(100 + attempt));
            if (back.status() == 200) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(back.status()).isEqualTo(200);
        assertThat(storedFor("outage")).as("only the events answered 200 are stored").isEqualTo(2);
    }
}
