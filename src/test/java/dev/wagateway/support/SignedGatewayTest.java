package dev.wagateway.support;

import org.springframework.test.context.TestPropertySource;

/**
 * {@link SharedGatewayTest}'s context with the intake secured as in production: a webhook secret with a previous
 * one (a rotation) and the inbound API key, and a 64 KiB body limit so a test can cross it with a small body. One
 * application context for every class extending it, on a database of its own.
 */
@TestPropertySource(properties = {
        "gateway.security.webhook-secret=" + SignedGatewayTest.SECRET,
        "gateway.security.webhook-secret-previous=" + SignedGatewayTest.PREVIOUS_SECRET,
        "gateway.security.api-key=" + SignedGatewayTest.API_KEY,
        "gateway.intake.max-body-bytes=65536"})
public abstract class SignedGatewayTest extends SharedGatewayTest {

    public static final String SECRET = "current-secret-Zq81";
    public static final String PREVIOUS_SECRET = "previous-secret-Kp02";
    public static final String API_KEY = "inbound-key-7Hx3";
}
