package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

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
}
