package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.wagateway.events.QrRenderer;
import dev.wagateway.security.StandardWebhookSigner;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventHeaders;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.PayloadFormat;

/**
 * The HTTP request a Standard Webhooks output builds: webhook-id = the event id, webhook-timestamp = the attempt's
 * second, webhook-signature over exactly the body set on the message, and no X-Webhook-Signature beside it.
 */
class StandardWebhooksMessageTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private static EventEnvelope envelope(String id) {
        return new EventEnvelope(id, "s1", "ready", new ObjectMapper().createObjectNode(),
                OffsetDateTime.of(2026, 12, 6, 11, 59, 0, 0, ZoneOffset.UTC), PayloadFormat.UNIVERSAL, "127.0.0.1", "00");
    }

    private static Exchange build(Map<String, Object> properties) {
        Outputs config = new Outputs();
        Outputs.Http http = new Outputs.Http();
        http.setUrl("http://127.0.0.1:9/hook");
        http.setSignature("standard-webhooks");
        http.setSecret(SECRET);
        config.getHttp().put("erp", http);
        OutputMessages messages = new OutputMessages(new OutputCatalog(config), new QrRenderer(), Clock.fixed(NOW, ZoneOffset.UTC));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        properties.forEach(exchange::setProperty);
        exchange.getMessage().setHeader(EventHeaders.OUTPUT, "http-erp");
        messages.envelope(exchange);
        return exchange;
    }

    @Test
    void theHeadersNameTheEventAndSignTheBodyAsSent() {
        Exchange exchange = build(Map.of(ExchangeProperties.ENVELOPE, envelope("evt-1")));
        byte[] body = exchange.getMessage().getBody(byte[].class);
        String expected = new StandardWebhookSigner(Map.of("s", SECRET)).signature("evt-1", NOW.getEpochSecond(), body);

        assertThat(exchange.getMessage().getHeader("webhook-id")).isEqualTo("evt-1");
        assertThat(exchange.getMessage().getHeader("webhook-timestamp", Long.class)).isEqualTo(NOW.getEpochSecond());
        assertThat(exchange.getMessage().getHeader("webhook-signature")).isEqualTo(expected);
        assertThat(exchange.getMessage().getHeader("X-Webhook-Signature")).isNull();
        assertThat(exchange.getMessage().getHeader("X-Webhook-Event-Id")).isEqualTo("evt-1");
    }

    @Test
    void aBatchHasItsOwnIdWhichTheSameBatchGetsAgainAndAnotherDoesNot() {
        List<EventEnvelope> ab = List.of(envelope("a"), envelope("b"));
        Exchange exchange = build(Map.of(ExchangeProperties.ENVELOPE, ab.get(0), OutputDelivery.BATCH, ab));
        String id = exchange.getMessage().getHeader("webhook-id", String.class);

        assertThat(id).startsWith("batch_").isEqualTo(OutputMessages.webhookId(List.of(envelope("a"), envelope("b"))));
        assertThat(OutputMessages.webhookId(List.of(envelope("a"), envelope("b"), envelope("c")))).isNotEqualTo(id);
        assertThat(OutputMessages.webhookId(List.of(envelope("a")))).as("an array of one: its event").isEqualTo("a");
    }
}
