package dev.wagateway.intake;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.camel.Processor;

import dev.wagateway.events.EventEnvelope;
import dev.wagateway.events.EventHeaders;
import dev.wagateway.security.Digests;
import dev.wagateway.store.EventArchive;
import dev.wagateway.store.StorageUnavailableException;
import dev.wagateway.store.UnstorableEventException;

/**
 * Commits the envelope to the archive before anything else happens to it, and decides whether the delivery is a
 * repeat: the dedupe key is the sender's delivery id when it sends one, else the SHA-256 of the exact body.
 * A duplicate keeps the original event id and is not routed again.
 */
public class EventArchiver implements Processor {

    private static final Logger log = LoggerFactory.getLogger(EventArchiver.class);
    private static final int MAX_DELIVERY_ID = 200;

    private final EventArchive archive;
    private final String deliveryIdHeader;

    public EventArchiver(EventArchive archive, String deliveryIdHeader) {
        this.archive = archive;
        this.deliveryIdHeader = deliveryIdHeader;
    }

    @Override
    public void process(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(IntakeExchange.ENVELOPE, EventEnvelope.class);
        String deliveryId = deliveryId(exchange.getMessage().getHeader(deliveryIdHeader, String.class));
        String dedupeKey = deliveryId != null ? "delivery:" + deliveryId : "sha256:" + envelope.bodySha256();
        EventArchive.Stored stored;
        try {
            stored = archive.store(envelope, dedupeKey, deliveryId,
                    exchange.getProperty(IntakeExchange.AUTH_METHOD, String.class));
        } catch (StorageUnavailableException e) {
            log.warn("event {} of session {} not stored, answered 503: {}", envelope.eventId(), envelope.sessionId(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            throw new WebhookRejection(503, "storage_unavailable",
                    "the event could not be stored; retry later", Map.of("Retry-After", "5"));
        } catch (UnstorableEventException e) {
            throw WebhookRejection.badRequest("invalid_json", "the payload holds a value that cannot be stored (e.g. a NUL character)");
        }
        exchange.setProperty(IntakeExchange.DUPLICATE, stored.duplicate());
        exchange.setProperty(IntakeExchange.STORED_EVENT_ID, stored.eventId());

        // From here on the exchange carries the event, not the HTTP request: drop the client's headers (its
        // API key and signature must never reach an output) and name the event for the routes.
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(EventHeaders.EVENT_ID, envelope.eventId());
        message.setHeader(EventHeaders.SESSION_ID, envelope.sessionId());
        message.setHeader(EventHeaders.EVENT, envelope.event());
        message.setHeader(EventHeaders.RECEIVED_AT, envelope.receivedAt());
    }

    private static String deliveryId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String id = header.trim();
        // The column and the dedupe key are bounded; a longer id is still unique by its hash.
        return id.length() <= MAX_DELIVERY_ID ? id
                : "sha256:" + Digests.sha256Hex(id.getBytes(StandardCharsets.UTF_8));
    }
}
