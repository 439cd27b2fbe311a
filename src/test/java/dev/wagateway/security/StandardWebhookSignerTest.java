package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The Standard Webhooks signature against the specification's own example, and what a secret must look like. */
class StandardWebhookSignerTest {

    static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long SPEC_TIMESTAMP = 1614265330L;
    static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecificationsExampleAsItSays() {
        StandardWebhookSigner signer = new StandardWebhookSigner(Map.of("s", SPEC_SECRET));
        assertThat(signer.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void duringARotationEverySecretSignsInTheGivenOrderSpaceSeparated() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString("another key of 24 bytes!".getBytes(StandardCharsets.UTF_8));
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("a", other);
        secrets.put("b", SPEC_SECRET);
        String header = new StandardWebhookSigner(secrets).signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);

        String[] parts = header.split(" ");
        assertThat(parts).hasSize(2);
        assertThat(parts[0]).startsWith("v1,").isNotEqualTo(SPEC_SIGNATURE);
        assertThat(parts[1]).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void theSignatureCoversIdTimestampAndBody() {
        StandardWebhookSigner signer = new StandardWebhookSigner(Map.of("s", SPEC_SECRET));
        assertThat(signer.signature(SPEC_ID + "x", SPEC_TIMESTAMP, SPEC_BODY)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(signer.signature(SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(signer.signature(SPEC_ID, SPEC_TIMESTAMP, "{\"test\":2432232314}".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void aMalformedSecretIsRefusedNamingTheSettingButNotShowingTheSecret() {
        String setting = "gateway.outputs.http.crm.secret";
        assertThatThrownBy(() -> new StandardWebhookSigner(Map.of(setting, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(setting).hasMessageContaining("whsec_")
                .hasMessageNotContaining("MfKQ9r8");
        assertThatThrownBy(() -> new StandardWebhookSigner(Map.of(setting, "whsec_not*base64!")))
                .hasMessageContaining(setting).hasMessageContaining("base64").hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> new StandardWebhookSigner(Map.of(setting, "whsec_")))
                .hasMessageContaining(setting);
        assertThatThrownBy(() -> new StandardWebhookSigner(Map.of(setting, "")))
                .hasMessageContaining(setting);
        assertThatThrownBy(() -> new StandardWebhookSigner(Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
