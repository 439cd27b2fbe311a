package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.wagateway.shared.WebhookRejection;

class EvolutionAuthenticatorTest {

    private static final String TOKEN = "B6D711FCDE4D4FD5936544120E713976";
    private static final String OTHER_TOKEN = "0A1B2C3D4E5F60718293A4B5C6D7E8F9";

    private static byte[] body(String apikey) {
        String key = apikey == null ? "null" : "\"" + apikey + "\"";
        return ("{\"event\":\"messages.upsert\",\"instance\":\"toko-jakarta\",\"data\":{\"key\":{\"id\":\"X\"},"
                + "\"apikey\":\"nested-is-not-it\"},\"server_url\":\"http://evolution:8080\",\"apikey\":" + key + "}")
                .getBytes(StandardCharsets.UTF_8);
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
    void theInstanceTokenInTheBodyOrAHeaderAuthenticates() {
        EvolutionAuthenticator evolution = new EvolutionAuthenticator(List.of(OTHER_TOKEN, TOKEN));
        assertThat(evolution.authenticateKey(body(TOKEN), null)).isEqualTo("api_key");
        assertThat(evolution.authenticateKey(body(OTHER_TOKEN), null)).isEqualTo("api_key");
        assertThat(evolution.authenticateKey(body(null), TOKEN)).isEqualTo("api_key");
        assertThat(evolution.authenticateKey("not json".getBytes(StandardCharsets.UTF_8), TOKEN)).isEqualTo("api_key");
    }

    @Test
    void aWrongOrMissingKeyIsRefused() {
        EvolutionAuthenticator evolution = new EvolutionAuthenticator(List.of(TOKEN));
        assertThat(code(() -> evolution.authenticateKey(body(OTHER_TOKEN), null))).isEqualTo("invalid_api_key");
        assertThat(code(() -> evolution.authenticateKey(body(null), null))).isEqualTo("invalid_api_key");
        assertThat(code(() -> evolution.authenticateKey(body(null), "wrong"))).isEqualTo("invalid_api_key");
        assertThat(code(() -> evolution.authenticateKey(new byte[0], null))).isEqualTo("invalid_api_key");
        // Only the top-level field is Evolution's apikey.
        byte[] nestedOnly = ("{\"instance\":\"s\",\"data\":{\"apikey\":\"" + TOKEN + "\"}}").getBytes(StandardCharsets.UTF_8);
        assertThat(code(() -> evolution.authenticateKey(nestedOnly, null))).isEqualTo("invalid_api_key");
        // A key in front of a body that is not one JSON object proves nothing.
        byte[] truncated = ("{\"apikey\":\"" + TOKEN + "\",\"data\":{").getBytes(StandardCharsets.UTF_8);
        assertThat(code(() -> evolution.authenticateKey(truncated, null))).isEqualTo("invalid_api_key");
    }

    @Test
    void theBodyIsScannedForItsTopLevelApikeyOnly() {
        assertThat(EvolutionAuthenticator.bodyApiKey(body(TOKEN))).isEqualTo(TOKEN);
        assertThat(EvolutionAuthenticator.bodyApiKey(body(null))).isNull();
        assertThat(EvolutionAuthenticator.bodyApiKey("[1]".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(EvolutionAuthenticator.bodyApiKey("{\"apikey\":42}".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void theHeaderIsReadByItsName() {
        EvolutionAuthenticator evolution = new EvolutionAuthenticator(List.of(TOKEN));
        assertThat(evolution.authenticate(body(null), name -> "apikey".equals(name) ? TOKEN : null)).isEqualTo("api_key");
        assertThat(code(() -> evolution.authenticate(body(null), name -> null))).isEqualTo("invalid_api_key");
    }

    @Test
    void withoutAKeyTheSourceIsOff() {
        assertThat(new EvolutionAuthenticator(List.of()).enabled()).isFalse();
        assertThat(new EvolutionAuthenticator(List.of(" ")).enabled()).isFalse();
        assertThat(new EvolutionAuthenticator(null).enabled()).isFalse();
        assertThat(new EvolutionAuthenticator(List.of(TOKEN)).source()).isEqualTo("evolution");
    }
}
