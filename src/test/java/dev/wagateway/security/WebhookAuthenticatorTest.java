package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wagateway.shared.WebhookRejection;

class WebhookAuthenticatorTest {

    private static final byte[] BODY = "{\"sessionId\":\"s\",\"event\":\"ready\"}".getBytes(StandardCharsets.UTF_8);

    private static WebhookAuthenticator authenticator(String secret, String previous, String key) {
        return new WebhookAuthenticator(secret, previous, key);
    }

    private static String code(Runnable r) {
        try {
            r.run();
            return "passed";
        } catch (WebhookRejection e) {
            assertThat(e.status()).isEqualTo(401);
            return e.code();
        }
    }

    @Test
    void withNothingConfiguredEverythingPasses() {
        WebhookAuthenticator open = authenticator(null, null, null);
        assertThat(open.isDevelopmentMode()).isTrue();
        assertThat(open.authenticate(BODY, null, null)).isEqualTo("none");
    }

    @Test
    void secretOnly() {
        WebhookAuthenticator a = authenticator("s1", null, null);
        String sig = new HmacSha256("s1").signatureHeader(BODY);
        assertThat(a.isSignatureRequired()).isTrue();
        assertThat(a.authenticate(BODY, sig, null)).isEqualTo("hmac");
        assertThat(a.authenticate(BODY, "SHA256=" + sig.substring(7).toUpperCase(), null)).isEqualTo("hmac");
        assertThat(code(() -> a.authenticate(BODY, null, null))).isEqualTo("missing_signature");
        assertThat(code(() -> a.authenticate(BODY, null, "some-key"))).isEqualTo("missing_signature");
        assertThat(code(() -> a.authenticate("{}".getBytes(StandardCharsets.UTF_8), sig, null))).isEqualTo("invalid_signature");
    }

    @Test
    void keyOnly() {
        WebhookAuthenticator a = authenticator(null, null, "k1");
        assertThat(a.authenticate(BODY, null, "k1")).isEqualTo("api_key");
        assertThat(code(() -> a.authenticate(BODY, null, "k2"))).isEqualTo("invalid_api_key");
        assertThat(code(() -> a.authenticate(BODY, null, null))).isEqualTo("invalid_api_key");
        assertThat(code(() -> a.authenticate(BODY, new HmacSha256("k1").signatureHeader(BODY), null))).isEqualTo("invalid_api_key");
    }

    @Test
    void eitherSufficesWhenBothAreConfigured() {
        WebhookAuthenticator a = authenticator("s1", "s0", "k1");
        assertThat(a.isSignatureRequired()).isFalse();
        assertThat(a.authenticate(BODY, new HmacSha256("s0").signatureHeader(BODY), null)).isEqualTo("hmac");
        assertThat(a.authenticate(BODY, "sha256=00", "k1")).isEqualTo("api_key");
        assertThat(code(() -> a.authenticate(BODY, "sha256=00", null))).isEqualTo("invalid_signature");
        assertThat(code(() -> a.authenticate(BODY, "sha256=00", "nope"))).isEqualTo("invalid_api_key");
    }

    @Test
    void aPreviousSecretAloneIsAConfigurationError() {
        assertThatThrownBy(() -> authenticator(null, "old", null)).isInstanceOf(IllegalStateException.class);
    }

    // --- Standard Webhooks (gateway.security.signature) -------------------------------------------------------

    private static final String WHSEC = StandardWebhookSignerTest.SPEC_SECRET;
    private static final long NOW = 1_700_000_000L;

    private static WebhookAuthenticator standard(WebhookAuthenticator.Scheme scheme, String secret, String key,
            String... whsec) {
        return new WebhookAuthenticator(scheme, secret, null, key, List.of(whsec), Duration.ofMinutes(5),
                Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    }

    private static WebhookAuthenticator.Presented signedStandard(String id, long timestamp, byte[] body) {
        return new WebhookAuthenticator.Presented(null, id, Long.toString(timestamp),
                new StandardWebhookSigner(Map.of("s", WHSEC)).signature(id, timestamp, body), null);
    }

    @Test
    void standardWebhooksOnlyTakesThoseSignatures() {
        WebhookAuthenticator a = standard(WebhookAuthenticator.Scheme.STANDARD_WEBHOOKS, null, null, WHSEC);
        assertThat(a.isSignatureRequired()).isTrue();
        assertThat(a.acceptsStandardWebhooks()).isTrue();
        assertThat(a.authenticate(BODY, signedStandard("msg_1", NOW, BODY))).isEqualTo("std_webhooks");
        assertThat(code(() -> a.authenticate(BODY, signedStandard("msg_1", NOW - 301, BODY)))).isEqualTo("stale_timestamp");
        assertThat(code(() -> a.authenticate("{}".getBytes(StandardCharsets.UTF_8), signedStandard("msg_1", NOW, BODY))))
                .isEqualTo("invalid_signature");
        assertThat(code(() -> a.authenticate(BODY, new HmacSha256("s1").signatureHeader(BODY), null)))
                .as("X-Webhook-Signature is not looked at").isEqualTo("missing_signature");
        assertThat(code(() -> a.authenticate(BODY, null, null))).isEqualTo("missing_signature");
        assertThat(WebhookAuthenticator.STANDARD_WEBHOOKS_METHOD.length()).as("wa_events.auth_method is VARCHAR(16)")
                .isLessThanOrEqualTo(16);
    }

    @Test
    void anyTakesEitherSchemeAndTheApiKeyStillWorks() {
        WebhookAuthenticator a = standard(WebhookAuthenticator.Scheme.ANY, "s1", "k1", WHSEC);
        assertThat(a.isSignatureRequired()).isFalse();
        assertThat(a.authenticate(BODY, new HmacSha256("s1").signatureHeader(BODY), null)).isEqualTo("hmac");
        assertThat(a.authenticate(BODY, signedStandard("msg_2", NOW, BODY))).isEqualTo("std_webhooks");
        assertThat(a.authenticate(BODY, null, "k1")).isEqualTo("api_key");
        WebhookAuthenticator.Presented staleWithKey = new WebhookAuthenticator.Presented(null, "msg_3",
                Long.toString(NOW - 3600), signedStandard("msg_3", NOW - 3600, BODY).webhookSignature(), "k1");
        assertThat(a.authenticate(BODY, staleWithKey)).as("either suffices, as with X-Webhook-Signature").isEqualTo("api_key");
        WebhookAuthenticator noKey = standard(WebhookAuthenticator.Scheme.ANY, "s1", null, WHSEC);
        assertThat(code(() -> noKey.authenticate(BODY, new WebhookAuthenticator.Presented(null, "msg_4", null, "v1,AA==", null))))
                .isEqualTo("missing_signature");
    }

    @Test
    void aSchemeAndSecretsThatDisagreeAreRefusedAtStartUp() {
        assertThatThrownBy(() -> standard(WebhookAuthenticator.Scheme.SHA256, "s1", null, WHSEC))
                .hasMessageContaining("WHATSAPP_WEBHOOK_STANDARD_SECRETS").hasMessageContaining("WHATSAPP_WEBHOOK_SIGNATURE");
        assertThatThrownBy(() -> standard(WebhookAuthenticator.Scheme.STANDARD_WEBHOOKS, "s1", null, WHSEC))
                .hasMessageContaining("WHATSAPP_WEBHOOK_SECRET");
        assertThatThrownBy(() -> standard(WebhookAuthenticator.Scheme.STANDARD_WEBHOOKS, null, "k1"))
                .hasMessageContaining("WHATSAPP_WEBHOOK_STANDARD_SECRETS");
        assertThatThrownBy(() -> standard(WebhookAuthenticator.Scheme.ANY, null, null, WHSEC, "whsec_%%%"))
                .hasMessageContaining("WHATSAPP_WEBHOOK_STANDARD_SECRETS")
                .hasMessageContaining("gateway.security.standard-webhooks.secrets[1]").hasMessageNotContaining("%%%");
        assertThatThrownBy(() -> WebhookAuthenticator.Scheme.of("svix")).hasMessageContaining("WHATSAPP_WEBHOOK_SIGNATURE");
        assertThat(WebhookAuthenticator.Scheme.of("Standard-Webhooks")).isEqualTo(WebhookAuthenticator.Scheme.STANDARD_WEBHOOKS);
        assertThat(WebhookAuthenticator.Scheme.of(null)).isEqualTo(WebhookAuthenticator.Scheme.SHA256);
    }
}
