package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;

import dev.wagateway.support.DeclaredSettings;

/**
 * The environment names of the default endpoint's signature, read the way the application reads them: through the
 * alias table (FORWARD_SIGNATURE, FORWARD_SECRET; config.GatewayEnvironment) and by relaxed binding
 * (GATEWAY_OUTPUTS_HTTP_DEFAULT_SECRETS), as docs/outputs.md tells operators.
 */
class OutputSignatureEnvironmentTest {

    private static Outputs bind(Map<String, Object> env) {
        return Binder.get(DeclaredSettings.environment(env)).bind("gateway.outputs", Outputs.class).get();
    }

    @Test
    void sha256IsTheDefaultEndpointsSchemeUntilForwardSignatureSaysOtherwise() throws Exception {
        Outputs plain = bind(Map.of("FORWARD_URL", "http://127.0.0.1:9/hook", "FORWARD_SECRET", "s"));
        assertThat(plain.getHttp().get("default").getSignature()).isEqualTo("sha256");
        assertThat(new OutputCatalog(plain).httpSigner("http-default")).isPresent();

        Outputs rotating = bind(Map.of("FORWARD_URL", "http://127.0.0.1:9/hook", "FORWARD_SIGNATURE", "standard-webhooks",
                "FORWARD_SECRET", "whsec_bmV3IHNlY3JldCBvZiB0aGUgcm90YXRpb24h",
                "GATEWAY_OUTPUTS_HTTP_DEFAULT_SECRETS", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        Outputs.Http http = rotating.getHttp().get("default");
        assertThat(http.getSignature()).isEqualTo("standard-webhooks");
        assertThat(http.getSecrets()).isEqualTo(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
        OutputCatalog catalog = new OutputCatalog(rotating);
        assertThat(catalog.httpSigner("http-default")).isEmpty();
        assertThat(catalog.standardWebhookSigner("http-default").orElseThrow().signature("id", 1, new byte[0]).split(" ")).hasSize(2);
    }
}
