package dev.wagateway.intake;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

import dev.wagateway.security.CloudApiAuthenticator;
import dev.wagateway.shared.HttpReply;

/**
 * GET /api/whatsapp/cloud (routes/sources.yaml): Meta's subscription check. The right token gets the
 * {@code hub.challenge} back as text/plain; anything else 403 JSON ({@link CloudApiAuthenticator#handshake}).
 */
class CloudApiHandshake {

    private final CloudApiAuthenticator authenticator;

    public CloudApiHandshake(CloudApiAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    public void answer(Exchange exchange) {
        Message in = exchange.getMessage();
        String challenge = authenticator.handshake(in.getHeader("hub.mode", String.class),
                in.getHeader("hub.verify_token", String.class), in.getHeader("hub.challenge", String.class));
        Message out = HttpReply.reset(exchange, 200, "text/plain; charset=UTF-8", Map.of());
        out.setBody(challenge.getBytes(StandardCharsets.UTF_8));
    }
}
