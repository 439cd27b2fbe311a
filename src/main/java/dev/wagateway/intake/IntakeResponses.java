package dev.wagateway.intake;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.events.EventTypes;
import dev.wagateway.events.sources.SourceDelivery;
import dev.wagateway.security.RateLimiter;
import dev.wagateway.security.WebhookAuthenticator;
import dev.wagateway.shared.ErrorBody;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.HttpReply;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.WebhookRejection;
import dev.wagateway.store.EventArchive;

/**
 * Writes every answer of the webhook endpoints as SPEC.md's JSON. Each answer starts from a message with no
 * headers, so nothing the client sent (its API key, its signature) is echoed back, and no error answer carries
 * more than a code and a fixed message: never an exception text, a secret or SQL.
 */
class IntakeResponses {

    private static final Logger log = LoggerFactory.getLogger(IntakeResponses.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private final WebhookAuthenticator authenticator;
    private final MeterRegistry meters;

    public IntakeResponses(WebhookAuthenticator authenticator, MeterRegistry meters) {
        this.authenticator = authenticator;
        this.meters = meters;
    }

    /** 200: stored (and routed), or recognised as a repeat of a stored delivery. */
    public void accepted(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        boolean duplicate = exchange.getProperty(ExchangeProperties.DUPLICATE, false, Boolean.class);
        ObjectNode body = mapper.createObjectNode()
                .put("success", true)
                .put("eventId", exchange.getProperty(ExchangeProperties.STORED_EVENT_ID, String.class))
                .put("sessionId", envelope.sessionId())
                .put("event", envelope.event());
        if (duplicate) {
            body.put("duplicate", true);
        }
        meters.counter("wagateway.intake.accepted", "event", envelope.event(), "duplicate", Boolean.toString(duplicate))
                .increment();
        write(exchange, 200, body, Map.of());
    }

    /**
     * 200 for a source's delivery (routes/sources.yaml): every event it carried is committed (or was a repeat).
     * {@code events} lists them in order; with one event its id, session and name are also at the top, as in
     * {@link #accepted}; {@code duplicate} is true when every event was a repeat.
     */
    @SuppressWarnings("unchecked")
    public void sourceAccepted(Exchange exchange) {
        List<SourceDelivery> events = exchange.getProperty(ExchangeProperties.SOURCE_EVENTS, List.class);
        List<EventArchive.Stored> stored = exchange.getProperty(ExchangeProperties.SOURCE_STORED, List.class);
        String source = exchange.getProperty(ExchangeProperties.SOURCE, String.class);
        ObjectNode body = mapper.createObjectNode().put("success", true).put("source", source);
        if (events.size() == 1) {
            body.put("eventId", stored.get(0).eventId())
                    .put("sessionId", events.get(0).envelope().sessionId())
                    .put("event", events.get(0).envelope().event());
        }
        ArrayNode list = body.putArray("events");
        boolean allRepeats = true;
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope e = events.get(i).envelope();
            boolean duplicate = stored.get(i).duplicate();
            ObjectNode item = list.addObject().put("eventId", stored.get(i).eventId()).put("sessionId", e.sessionId())
                    .put("event", e.event());
            if (duplicate) {
                item.put("duplicate", true);
            }
            allRepeats &= duplicate;
            meters.counter("wagateway.intake.accepted", "event", e.event(), "duplicate", Boolean.toString(duplicate))
                    .increment();
        }
        if (allRepeats) {
            body.put("duplicate", true);
        }
        write(exchange, 200, body, Map.of());
    }

    /** 4xx/503 for a {@link WebhookRejection} thrown by any intake check. */
    public void rejected(Exchange exchange) {
        WebhookRejection rejection = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, WebhookRejection.class);
        meters.counter("wagateway.intake.rejected", "code", rejection.code()).increment();
        write(exchange, rejection.status(), ErrorBody.of(rejection.code(), rejection.getMessage()), rejection.headers());
    }

    /** 500 for anything unforeseen; the cause goes to the log only. */
    public void internalError(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        log.error("webhook request failed unexpectedly", cause);
        meters.counter("wagateway.intake.rejected", "code", "internal_error").increment();
        write(exchange, 500, ErrorBody.of("internal_error", "the gateway could not handle this request"), Map.of());
    }

    /** GET on a webhook endpoint: is it there, what does it take, must posts be signed. Never a secret. */
    public void availability(Exchange exchange) {
        String pathSessionId = exchange.getProperty(ExchangeProperties.PATH_SESSION_ID, String.class);
        ObjectNode body = mapper.createObjectNode()
                .put("success", true)
                .put("status", "available")
                .put("endpoint", pathSessionId == null ? "/api/whatsapp/webhook" : "/api/whatsapp/webhook/" + pathSessionId)
                .put("method", "POST");
        if (pathSessionId != null) {
            body.put("sessionId", pathSessionId);
        }
        body.putArray("formats").add("universal").add("whatsapp-api").add("path");
        EventTypes.ROUTED.forEach(body.putArray("supportedEvents")::add);
        body.put("acceptsOtherEvents", true);
        body.put("signatureRequired", authenticator.isSignatureRequired());
        body.put("signatureAccepted", authenticator.acceptsSignature());
        body.put("apiKeyAccepted", authenticator.acceptsApiKey());
        body.put("authenticationRequired", !authenticator.isDevelopmentMode());
        write(exchange, 200, body, Map.of());
    }

    private void write(Exchange exchange, int status, ObjectNode body, Map<String, String> headers) {
        Message message = HttpReply.reset(exchange, status, "application/json", headers);
        RateLimiter.RateLimitStatus limit = exchange.getProperty(ExchangeProperties.RATE_LIMIT, RateLimiter.RateLimitStatus.class);
        if (limit != null) {
            message.setHeader("X-RateLimit-Limit", Integer.toString(limit.limit()));
            message.setHeader("X-RateLimit-Remaining", Long.toString(limit.remaining()));
        }
        try {
            message.setBody(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
