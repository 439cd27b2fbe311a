package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;

/** With DEAD_LETTER_AUTO_RETRY on, the scheduled route delivers pending dead letters once the endpoint is back. */
@TestPropertySource(properties = {
        "gateway.outputs.dead-letters.auto-retry=true",
        "gateway.outputs.dead-letters.auto-retry-interval=1s",
        "gateway.outputs.delivery.retries=1",
        "gateway.outputs.delivery.retry-delay=20ms",
        "gateway.outputs.delivery.timeout=1s"})
class DeadLetterAutoRetryIT extends PostgresGatewayTest {

    private static FakeEndpoint endpoint;

    @DynamicPropertySource
    static void endpoint(DynamicPropertyRegistry registry) throws IOException {
        endpoint = new FakeEndpoint();
        endpoint.mode(FakeEndpoint.Mode.DOWN);
        registry.add("gateway.outputs.http.crm.url", endpoint::url);
    }

    @AfterAll
    static void stop() {
        endpoint.close();
    }

    @Test
    void pendingDeadLettersAreRetriedOnSchedule() {
        String id = client.post("/api/whatsapp/webhook",
                "{\"sessionId\":\"auto-retry\",\"event\":\"ready\"}").json().path("eventId").asText();
        Await.until(Duration.ofSeconds(10), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE event_id = CAST(? AS uuid) AND status = 'pending'", Long.class, id) == 1,
                "the dead letter");

        endpoint.mode(FakeEndpoint.Mode.UP);
        Await.until(Duration.ofSeconds(15), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE event_id = CAST(? AS uuid) AND status = 'resolved'", Long.class, id) == 1,
                "the scheduled retry to resolve it");
        assertThat(endpoint.acceptedTimes(id)).isEqualTo(1);
    }
}
