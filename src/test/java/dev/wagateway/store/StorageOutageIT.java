package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.PrivatePostgres;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * PostgreSQL is stopped under a running gateway: webhooks get 503 storage_unavailable (never a 200 for an event
 * that was not stored), promptly; once PostgreSQL is started again they are stored again. The gateway runs on a
 * PostgreSQL server of this test's own, so stopping it leaves the shared one alone.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.datasource.hikari.connection-timeout=1500", "spring.datasource.hikari.maximum-pool-size=4"})
class StorageOutageIT {

    private static PrivatePostgres postgres;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void privateDatabase(DynamicPropertyRegistry registry) throws IOException {
        postgres = PrivatePostgres.create();
        registry.add("spring.datasource.url", postgres::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    @AfterAll
    static void removeDatabase() throws IOException {
        postgres.close();
    }

    private static long stored() {
        return new JdbcTemplate(new DriverManagerDataSource(postgres.jdbcUrl(), "postgres", ""))
                .queryForObject("SELECT count(*) FROM wa_events WHERE session_id = 'outage'", Long.class);
    }

    @Test
    void webhooksGet503WhilePostgresIsStoppedAnd200AfterItIsBack() throws Exception {
        WebhookClient client = new WebhookClient(port);
        String body = "{\"sessionId\":\"outage\",\"event\":\"loading_screen\",\"data\":{\"percent\":%d}}";

        assertThat(client.post("/api/whatsapp/webhook", body.formatted(1)).status()).isEqualTo(200);

        postgres.stop();
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
            postgres.start();
        }

        // The pool replaces its dead connections; the next deliveries are stored again.
        Response back = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            back = client.post("/api/whatsapp/webhook", body.formatted(100 + attempt));
            if (back.status() == 200) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(back.status()).isEqualTo(200);
        assertThat(stored()).as("exactly the events answered 200 are stored").isEqualTo(2);
    }
}
