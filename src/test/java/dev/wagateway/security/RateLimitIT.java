package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.WebhookClient.Response;

/** The per-IP limit, trusted senders and trusted proxies, over real sockets from 127.0.0.1. */
class RateLimitIT {

    private static final String WEBHOOK = "/api/whatsapp/webhook";

    private static String body(int i) {
        return "{\"sessionId\":\"rl\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}";
    }

    @Nested
    @TestPropertySource(properties = "gateway.rate-limit.per-minute=5")
    class PerClientLimit extends PostgresGatewayTest {

        @Test
        void theSixthRequestInAMinuteGets429WithRetryAfter() {
            for (int i = 0; i < 5; i++) {
                Response ok = client.post(WEBHOOK, body(i));
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("5");
                assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(4 - i));
            }
            long before = allRows();
            Response limited = client.post(WEBHOOK, body(5));

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.error()).isEqualTo("rate_limited");
            assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 60);
            assertThat(limited.header("X-RateLimit-Limit")).isEqualTo("5");
            assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
            assertThat(allRows()).isEqualTo(before);

            // X-Forwarded-For from an untrusted peer is not believed: a fresh address per request does not help.
            Response spoofed = client.post(WEBHOOK, body(6), Map.of("X-Forwarded-For", "198.51.100.77"));
            assertThat(spoofed.status()).isEqualTo(429);
            assertThat(client.get(WEBHOOK).status()).as("the availability check counts too").isEqualTo(429);
        }
    }

    @Nested
    @TestPropertySource(properties = {
            "gateway.rate-limit.per-minute=2",
            "gateway.rate-limit.trusted-senders=10.9.0.0/16,127.0.0.1/32,::1/128",
            "gateway.rate-limit.trusted-per-minute=12"})
    class TrustedSender extends PostgresGatewayTest {

        @Test
        void aTrustedSenderHasItsOwnHigherLimit() {
            for (int i = 0; i < 12; i++) {
                Response ok = client.post(WEBHOOK, body(i));
                assertThat(ok.status()).as("request %d", i).isEqualTo(200);
                assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("12");
            }
            assertThat(client.post(WEBHOOK, body(12)).status()).isEqualTo(429);
        }
    }

    @Nested
    @TestPropertySource(properties = {
            "gateway.rate-limit.per-minute=3",
            "gateway.rate-limit.trusted-proxies=127.0.0.1/32,::1/128"})
    class BehindATrustedProxy extends PostgresGatewayTest {

        @Test
        void eachForwardedClientHasItsOwnLimit() {
            Map<String, String> alice = Map.of("X-Forwarded-For", "203.0.113.10");
            for (int i = 0; i < 3; i++) {
                assertThat(client.post(WEBHOOK, body(i), alice).status()).isEqualTo(200);
            }
            assertThat(client.post(WEBHOOK, body(3), alice).status()).isEqualTo(429);

            Response bob = client.post(WEBHOOK, body(4), Map.of("X-Forwarded-For", "203.0.113.20"));
            assertThat(bob.status()).isEqualTo(200);
            assertThat(jdbc.queryForObject("SELECT source_ip FROM wa_events WHERE event_id = CAST(? AS uuid)", String.class,
                    bob.json().path("eventId").asText())).isEqualTo("203.0.113.20");

            // A client cannot hide behind a forged left-most entry: the right-most untrusted hop is the client.
            Response forged = client.post(WEBHOOK, body(5), Map.of("X-Forwarded-For", "192.0.2.99, 203.0.113.10"));
            assertThat(forged.status()).isEqualTo(429);
        }
    }
}
