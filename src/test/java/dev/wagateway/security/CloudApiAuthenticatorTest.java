package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wagateway.shared.WebhookRejection;

class CloudApiAuthenticatorTest {

    private static final byte[] BODY = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}".getBytes(StandardCharsets.UTF_8);

    private static String header(String secret) {
        return new HmacSha256(secret).signatureHeader(BODY);
    }

    @Test
    void withNeitherSettingTheSourceIsOff() {
        assertThat(new CloudApiAuthenticator(null, " ").enabled()).isFalse();
        assertThat(new CloudApiAuthenticator("t", null).enabled()).isTrue();
        assertThat(new CloudApiAuthenticator(null, "s").enabled()).isTrue();
    }

    @Test
    void aSignatureUnderTheAppSecretAuthenticatesInEitherHexCase() {
        CloudApiAuthenticator auth = new CloudApiAuthenticator("t", "app-secret");

        assertThat(auth.authenticate(BODY, Map.of("X-Hub-Signature-256", header("app-secret"))::get)).isEqualTo("hmac");
        String upper = "sha256=" + header("app-secret").substring(7).toUpperCase();
        assertThat(auth.authenticate(BODY, Map.of("X-Hub-Signature-256", upper)::get)).isEqualTo("hmac");
    }

    @Test
    void aMissingOrWrongSignatureIsA401WhenTheAppSecretIsSet() {
        CloudApiAuthenticator auth = new CloudApiAuthenticator(null, "app-secret");

        assertThatThrownBy(() -> auth.authenticate(BODY, name -> null))
                .isInstanceOfSatisfying(WebhookRejection.class, r -> assertThat(r.code()).isEqualTo("missing_signature"));
        assertThatThrownBy(() -> auth.authenticate(BODY, Map.of("X-Hub-Signature-256", header("other"))::get))
                .isInstanceOfSatisfying(WebhookRejection.class, r -> assertThat(r.code()).isEqualTo("invalid_signature"));
        assertThatThrownBy(() -> auth.authenticate(BODY, Map.of("X-Hub-Signature-256", "sha256=xyz")::get))
                .isInstanceOfSatisfying(WebhookRejection.class, r -> assertThat(r.status()).isEqualTo(401));
    }

    @Test
    void withOnlyTheVerifyTokenPostsAreTakenUnsigned() {
        assertThat(new CloudApiAuthenticator("t", null).authenticate(BODY, name -> null)).isEqualTo("none");
    }

    @Test
    void theHandshakeNeedsSubscribeTheTokenAndANumericChallenge() {
        CloudApiAuthenticator auth = new CloudApiAuthenticator("verify-me", "s");

        assertThat(auth.handshake("subscribe", "verify-me", "1158201444")).isEqualTo("1158201444");
        for (String[] bad : new String[][] {{"subscribe", "wrong", "1"}, {"other", "verify-me", "1"},
                {"subscribe", null, "1"}, {"subscribe", "verify-me", null}, {"subscribe", "verify-me", "<b>x</b>"}}) {
            assertThatThrownBy(() -> auth.handshake(bad[0], bad[1], bad[2]))
                    .isInstanceOfSatisfying(WebhookRejection.class, r -> assertThat(r.status()).isEqualTo(403));
        }
        assertThatThrownBy(() -> new CloudApiAuthenticator(null, "s").handshake("subscribe", "", "1"))
                .isInstanceOf(WebhookRejection.class);
    }
}
