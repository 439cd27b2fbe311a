package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.wagateway.shared.WebhookRejection;

class WahaAuthenticatorTest {

    private static final byte[] BODY = "{\"event\":\"message\",\"session\":\"default\",\"engine\":\"WEBJS\"}"
            .getBytes(StandardCharsets.UTF_8);

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
    void theExampleInWahasDocsVerifies() {
        // WAHA's docs, "HMAC authentication": this body, key my-secret-key, algorithm sha512, this X-Webhook-Hmac.
        WahaAuthenticator waha = new WahaAuthenticator("my-secret-key");
        String documented = "208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8"
                + "097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89";
        assertThat(waha.signatureHeader(BODY)).isEqualTo(documented);
        assertThat(waha.authenticate(BODY, documented, "sha512")).isEqualTo("hmac");
        assertThat(waha.authenticate(BODY, documented.toUpperCase(), "SHA512")).isEqualTo("hmac");
    }

    @Test
    void aWrongMissingOrOtherAlgorithmSignatureIsRefused() {
        WahaAuthenticator waha = new WahaAuthenticator("my-secret-key");
        String good = waha.signatureHeader(BODY);
        String other = new WahaAuthenticator("another-key").signatureHeader(BODY);
        byte[] tampered = "{\"event\":\"message\",\"session\":\"default\",\"engine\":\"NOWEB\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(code(() -> waha.authenticate(BODY, null, "sha512"))).isEqualTo("missing_signature");
        assertThat(code(() -> waha.authenticate(BODY, " ", null))).isEqualTo("missing_signature");
        assertThat(code(() -> waha.authenticate(BODY, other, "sha512"))).isEqualTo("invalid_signature");
        assertThat(code(() -> waha.authenticate(tampered, good, "sha512"))).isEqualTo("invalid_signature");
        assertThat(code(() -> waha.authenticate(BODY, good, "sha256"))).isEqualTo("invalid_signature");
        assertThat(code(() -> waha.authenticate(BODY, "not-hex", "sha512"))).isEqualTo("invalid_signature");
        assertThat(code(() -> waha.authenticate(BODY, good.substring(2), "sha512"))).isEqualTo("invalid_signature");
    }

    @Test
    void theHeadersAreReadByTheirNames() {
        WahaAuthenticator waha = new WahaAuthenticator("my-secret-key");
        String good = waha.signatureHeader(BODY);
        assertThat(waha.authenticate(BODY, name -> switch (name) {
            case "X-Webhook-Hmac" -> good;
            case "X-Webhook-Hmac-Algorithm" -> "sha512";
            default -> null;
        })).isEqualTo("hmac");
        assertThat(code(() -> waha.authenticate(BODY, name -> null))).isEqualTo("missing_signature");
    }

    @Test
    void withoutAKeyTheSourceIsOff() {
        assertThat(new WahaAuthenticator(" ").enabled()).isFalse();
        assertThat(new WahaAuthenticator(null).enabled()).isFalse();
        assertThat(new WahaAuthenticator("k").enabled()).isTrue();
        assertThat(new WahaAuthenticator("k").source()).isEqualTo("waha");
    }
}
