package dev.wagateway.events.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The Cloud API endpoint passes the whatsapp-web.js webhook's guards (size limit, rate limit), and with only
 * CLOUD_API_VERIFY_TOKEN set it takes unsigned posts (the handshake works; docs/sources.md says to set the app secret).
 */
@TestPropertySource(properties = {
        "gateway.sources.cloud.verify-token=only-the-token",
        "gateway.intake.max-body-bytes=2048",
        "gateway.rate-limit.per-minute=6"})
class CloudApiGuardsIT extends PostgresGatewayTest {

    private static final String CLOUD = "/api/whatsapp/cloud";

    @Test
    void withOnlyTheVerifyTokenAnUnsignedDeliveryIsTakenAndMarkedUnauthenticated() {
        Response r = client.post(CLOUD, CloudApiSourceIT.cloud("status_sent", "161000000000001"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(eventRow(r.json().path("eventId").asText())).containsEntry("auth_method", "none")
                .containsEntry("source", "cloud");
    }

    @Test
    void aDeliveryOverTheSizeLimitIsRefused413AndChangesNothing() {
        String body = CloudApiSourceIT.cloud("text", "161000000000002")
                .replace("Halo, apakah", "Halo, " + "x".repeat(4096) + " apakah");
        long before = allRows();

        Response r = client.post(CLOUD, body);

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("error").asText()).isEqualTo("payload_too_large");
        assertThat(allRows()).isEqualTo(before);
    }

    @Test
    void theEndpointIsRateLimitedLikeTheWebhook() {
        Response last = null;
        for (int i = 0; i < 12 && (last == null || last.status() != 429); i++) {
            last = client.post(CLOUD, "{}", Map.of());
        }
        long before = allRows();
        Response limited = client.post(CLOUD, CloudApiSourceIT.cloud("text", "161000000000003"));

        assertThat(last.status()).isEqualTo(429);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.json().path("error").asText()).isEqualTo("rate_limited");
        assertThat(allRows()).isEqualTo(before);
    }
}
