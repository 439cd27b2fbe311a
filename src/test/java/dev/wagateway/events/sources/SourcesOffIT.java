package dev.wagateway.events.sources;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wagateway.support.SharedGatewayTest;
import dev.wagateway.support.WebhookClient.Response;

/** With none of a source's settings its endpoint is off: 404 JSON for the handshake and for posts, nothing stored. */
class SourcesOffIT extends SharedGatewayTest {

    @ParameterizedTest
    @CsvSource({"GET, /api/whatsapp/cloud?hub.mode=subscribe&hub.verify_token=&hub.challenge=1",
            "POST, /api/whatsapp/cloud", "POST, /api/whatsapp/waha", "POST, /api/whatsapp/evolution"})
    void anUnconfiguredSourceAnswers404(String method, String path) {
        long before = allRows();
        Response r = "GET".equals(method) ? client.get(path)
                : client.post(path, CloudApiSourceIT.cloud("text", "162000000000001"));

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.json().path("error").asText()).isEqualTo("source_disabled");
        assertThat(allRows()).isEqualTo(before);
    }
}
