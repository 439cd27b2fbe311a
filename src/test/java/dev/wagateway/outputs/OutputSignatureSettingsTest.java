package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * An HTTP output's signature settings are read at start-up: a Standard Webhooks output gets its signer, and a
 * setting a receiver could never verify against stops the gateway with a message that names it.
 */
class OutputSignatureSettingsTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static Outputs crm(String signature, String secret, List<String> secrets) {
        Outputs outputs = new Outputs();
        Outputs.Http http = new Outputs.Http();
        http.setUrl("http://127.0.0.1:9/hook");
        http.setSignature(signature);
        http.setSecret(secret);
        http.setSecrets(secrets);
        outputs.getHttp().put("crm", http);
        return outputs;
    }

    @Test
    void sha256StaysTheDefaultAndStandardWebhooksIsChosenBySetting() {
        OutputCatalog sha = new OutputCatalog(crm(null, "plain-secret", List.of()));
        assertThat(sha.httpSigner("http-crm")).isPresent();
        assertThat(sha.standardWebhookSigner("http-crm")).isEmpty();

        OutputCatalog swh = new OutputCatalog(crm("standard-webhooks", SECRET, List.of(SECRET)));
        assertThat(swh.httpSigner("http-crm")).isEmpty();
        assertThat(swh.standardWebhookSigner("http-crm")).isPresent();
        assertThat(swh.standardWebhookSigner("http-crm").orElseThrow().signature("id", 1, new byte[0]).split(" "))
                .hasSize(2);

        assertThat(new OutputCatalog(crm("sha256", null, List.of())).httpSigner("http-crm")).as("no secret, unsigned").isEmpty();
    }

    @Test
    void aMalformedStandardWebhooksSecretIsRefusedAtStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new OutputCatalog(crm("standard-webhooks", "change-me", List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gateway.outputs.http.crm.secret ");
        assertThatThrownBy(() -> new OutputCatalog(crm("standard-webhooks", SECRET, List.of(SECRET, "whsec_%%%"))))
                .hasMessageContaining("gateway.outputs.http.crm.secrets[1]");
        assertThatThrownBy(() -> new OutputCatalog(crm("standard-webhooks", " ", List.of())))
                .hasMessageContaining("gateway.outputs.http.crm.secret");
    }

    @Test
    void settingsThatCannotWorkAreRefusedNamingThem() {
        assertThatThrownBy(() -> new OutputCatalog(crm("hmac", "x", List.of())))
                .hasMessageContaining("gateway.outputs.http.crm.signature").hasMessageContaining("standard-webhooks");
        assertThatThrownBy(() -> new OutputCatalog(crm("sha256", "x", List.of("y"))))
                .hasMessageContaining("gateway.outputs.http.crm.secrets");
    }
}
