package dev.wagateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.WebhookClient.Response;

/**
 * Body bytes held at once are bounded across requests: while one large body is being received, another that
 * would pass the budget is answered 503 (retry), and the budget comes back when the first request is done.
 */
@TestPropertySource(properties = {
        "gateway.intake.max-in-flight-bytes=100000",
        "gateway.intake.max-body-bytes=1000000",
        "gateway.rate-limit.per-minute=1000"})
class InFlightBudgetIT extends PostgresGatewayTest {

    private static String body(String session, int size) {
        String prefix = "{\"sessionId\":\"" + session + "\",\"event\":\"custom_blob\",\"data\":{\"b\":\"";
        String suffix = "\"}}";
        return prefix + "A".repeat(size - prefix.length() - suffix.length()) + suffix;
    }

    @Test
    void aSecondLargeBodyWaitsItsTurnWith503() throws Exception {
        byte[] slow = body("budget-slow", 80_000).getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/whatsapp/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + slow.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(slow, 0, 1000);
            out.flush();
            Thread.sleep(500); // the gateway now holds 80000 bytes of the 100000 budget for this request

            Response refused = client.post("/api/whatsapp/webhook", body("budget-second", 80_000), Map.of());
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.error()).isEqualTo("storage_unavailable");
            assertThat(refused.header("Retry-After")).isNotBlank();

            out.write(slow, 1000, slow.length - 1000);
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        }
        Response later = client.post("/api/whatsapp/webhook", body("budget-second", 80_000), Map.of());
        assertThat(later.status()).as("the budget is back once the first request is done").isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id LIKE 'budget-%'", Long.class)).isEqualTo(2);
    }
}
