package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.TestRoutes;

/**
 * docs/routes.md's "Write to a table of your own" example, run as written: its CREATE TABLE, its route file next to the
 * shipped routes, its setting, then its check query. The SQL and the YAML are read from docs/routes.md, so the page
 * cannot drift from what works.
 */
@TestPropertySource(properties = {
        "gateway.outputs.custom.crm.events=message",
        "gateway.api.admin-key=crm-admin",   // health details need it
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128"})
class CrmInboxExampleIT extends PostgresGatewayTest {

    private static final String MARKER = "<!-- jdbc-example -->";

    @DynamicPropertySource
    static void routesWithTheCrmOutput(DynamicPropertyRegistry registry) throws IOException {
        Path dir = TestRoutes.copy("routes-crm-inbox");
        Files.writeString(dir.resolve("crm-inbox.yaml"), block("```yaml", 0));
        registry.add("camel.main.routes-include-pattern", () -> TestRoutes.pattern(dir));
    }

    /** The n-th code block of that kind after the marker in docs/routes.md. */
    static String block(String fence, int n) throws IOException {
        String page = Files.readString(Path.of("docs/routes.md"));
        int from = page.indexOf(MARKER);
        assertThat(from).as("docs/routes.md marker " + MARKER).isNotNegative();
        int start = -1;
        for (int i = 0; i <= n; i++) {
            start = page.indexOf(fence + "\n", from) + fence.length() + 1;
            from = page.indexOf("```", start) + 3;
        }
        return page.substring(start, page.indexOf("```", start));
    }

    @Test
    void everyMessageIsCopiedIntoTheEngineersTable() throws IOException {
        jdbc.execute(block("```sql", 0));   // step 1: CREATE TABLE crm_inbox

        String first = client.post("/api/whatsapp/webhook", Samples.forSession("message", "crm-a")).json().path("eventId").asText();
        String second = client.post("/api/whatsapp/webhook", Samples.forSession("message", "crm-b")).json().path("eventId").asText();
        String ready = client.post("/api/whatsapp/webhook", Samples.forSession("ready", "crm-a")).json().path("eventId").asText();
        assertThat(List.of(first, second, ready)).allSatisfy(id -> assertThat(id).isNotBlank());

        Await.until(Duration.ofSeconds(15), () -> count("crm_inbox") == 2, "two rows in crm_inbox");
        List<Map<String, Object>> rows = jdbc.queryForList(block("```sql", 1));   // step 4: the check query
        assertThat(rows).extracting(r -> r.get("event_id")).containsExactlyInAnyOrder(first, second);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("sender")).isEqualTo("6281234567890@c.us");
            assertThat((String) r.get("text")).startsWith("Halo, apakah pesanan saya sudah dikirim?");
        });
        assertThat(rows).extracting(r -> r.get("session_id")).containsExactlyInAnyOrder("crm-a", "crm-b");
        assertThat(client.get("/actuator/health", Map.of("Authorization", "Bearer crm-admin")).body()).contains("\"crm\"");
        Await.until(Duration.ofSeconds(5), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE output = 'crm'", Long.class) == 0, "the crm deliveries done");
        assertThat(count("wa_dead_letters")).as("nothing dead-lettered").isZero();
    }
}
