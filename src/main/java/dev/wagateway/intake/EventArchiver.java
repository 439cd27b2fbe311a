package dev.wagateway.intake;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.camel.Processor;

import dev.wagateway.events.sources.SourceDelivery;
import dev.wagateway.shared.Digests;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventHeaders;
import dev.wagateway.shared.EventTracing;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.WebhookRejection;
import dev.wagateway.store.ArchiveWriters;
import dev.wagateway.store.EventArchive;
import dev.wagateway.store.StorageUnavailableException;
import dev.wagateway.store.UnstorableEventException;

/**
 * Stores the event and runs its route, in one transaction committed before the webhook is answered (see
 * {@link EventArchive}), and decides there whether the delivery is a repeat: of the same sender delivery id when
 * it carries one, else of the session's previous accepted event when the exact body is the same. A duplicate keeps
 * the original event id and is not routed again. The one archiver of both intakes: the webhook's step
 * (routes/intake.yaml, one event) and {@link #storeSourceDelivery} (routes/sources.yaml, all events of a delivery).
 */
public class EventArchiver implements Processor {

    private static final Logger log = LoggerFactory.getLogger(EventArchiver.class);
    private static final int MAX_DELIVERY_ID = 200;

    /** Where each stored event is routed (routes/router.yaml); the route checker requires a route to consume it. */
    public static final String ROUTE = "direct:route-event";

    private final ArchiveWriters archive;
    private final String deliveryIdHeader;
    private final ProducerTemplate producer;
    private final Duration sourceRepeatWindow;
    private final Duration signedIdRepeatWindow;
    private final EventTracing tracing;

    /**
     * {@code deliveryIdHeader}: the webhook header whose value is the sender's delivery id; {@code sourceRepeatWindow}:
     * how long a source's id of an event makes its redelivery a duplicate; {@code signedIdRepeatWindow}: the same for
     * a delivery id the request's signature covers (Standard Webhooks' webhook-id, {@link ExchangeProperties#SIGNED_DELIVERY_ID});
     * {@code tracing}: the spans of storing and routing ({@link EventTracing#OFF} without an OTLP endpoint).
     */
    public EventArchiver(ArchiveWriters archive, String deliveryIdHeader, ProducerTemplate producer,
            Duration sourceRepeatWindow, Duration signedIdRepeatWindow, EventTracing tracing) {
        this.tracing = tracing;
        this.archive = archive;
        this.deliveryIdHeader = deliveryIdHeader;
        this.producer = producer;
        this.sourceRepeatWindow = sourceRepeatWindow;
        this.signedIdRepeatWindow = signedIdRepeatWindow;
    }

    @Override
    public void process(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        // A signed id wins over the delivery-id header: a sender that signs its message id retries under it for hours.
        String signedId = exchange.getProperty(ExchangeProperties.SIGNED_DELIVERY_ID, String.class);
        String deliveryId = deliveryId(signedId != null ? signedId : exchange.getMessage().getHeader(deliveryIdHeader, String.class));
        Duration window = signedId != null ? signedIdRepeatWindow : null;
        Span span = storeSpan(envelope);
        try (Tracer.SpanInScope scope = tracing.tracer().withSpan(span)) {
            String traceparent = tracing.traceparent(span);
            EventArchive.Stored stored = storing(envelope, () -> archive.store(new EventArchive.Delivery(envelope,
                    deliveryId, exchange.getProperty(ExchangeProperties.AUTH_METHOD, String.class),
                    () -> routeTraced(span, exchange, envelope), window, traceparent)));
            exchange.setProperty(ExchangeProperties.DUPLICATE, stored.duplicate());
            exchange.setProperty(ExchangeProperties.STORED_EVENT_ID, stored.eventId());
            span.tag(EventTracing.OUTCOME, stored.duplicate() ? "duplicate" : stored.status());
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * The intake's span of one delivery (child of the webhook request's, which honours the sender's traceparent):
     * waiting for its writer, the route, the commit. Its context is what the outbox rows keep.
     */
    private Span storeSpan(EventEnvelope envelope) {
        if (!tracing.on()) {
            return Span.NOOP;
        }
        return tracing.tracer().nextSpan().name("store event")
                .tag(EventTracing.EVENT_ID, envelope.eventId())
                .tag(EventTracing.EVENT_TYPE, envelope.event())
                .tag(EventTracing.SESSION, envelope.sessionId())
                .tag(EventTracing.SOURCE, envelope.source())
                .start();
    }

    /** {@link #route} in a span of its own, on the archive writer's thread, under the delivery's store span. */
    private String routeTraced(Span store, Exchange exchange, EventEnvelope envelope) throws Exception {
        if (!tracing.on()) {
            return route(producer, exchange, envelope);
        }
        Span span = tracing.tracer().nextSpan(store).name("route event")
                .tag(EventTracing.EVENT_ID, envelope.eventId())
                .tag(EventTracing.EVENT_TYPE, envelope.event())
                .start();
        try (Tracer.SpanInScope scope = tracing.tracer().withSpan(span)) {
            String outcome = route(producer, exchange, envelope);
            span.tag(EventTracing.OUTCOME, outcome);
            return outcome;
        } catch (Exception e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * The {@code storeSourceDelivery} step of routes/sources.yaml: every event of a source's delivery stored and routed
     * (direct:route-event) in its own right, with the source's own id of the event as its repeat key; the request is
     * answered only once all of them are committed ({@link ArchiveWriters#storeAll}): a 200 means every event of the
     * delivery is stored. A source that retries a delivery (Meta retries anything but a 2xx, for days) gets its stored
     * events answered duplicate, one by one, for {@code gateway.sources.repeat-window} (SOURCES_REPEAT_WINDOW) rather
     * than the webhook's shorter DEDUPE_WINDOW.
     */
    @SuppressWarnings("unchecked")
    public void storeSourceDelivery(Exchange exchange) {
        List<SourceDelivery> events = exchange.getProperty(ExchangeProperties.SOURCE_EVENTS, List.class);
        String authMethod = exchange.getProperty(ExchangeProperties.AUTH_METHOD, String.class);
        List<EventArchive.Delivery> deliveries = new ArrayList<>(events.size());
        // One span for the whole delivery (one request, one commit wait); each event's route a span under it.
        Span span = storeSpan(events.get(0).envelope());
        try (Tracer.SpanInScope scope = tracing.tracer().withSpan(span)) {
            span.tag(EventTracing.BATCH_SIZE, String.valueOf(events.size()));
            String traceparent = tracing.traceparent(span);
            for (SourceDelivery e : events) {
                deliveries.add(new EventArchive.Delivery(e.envelope(), e.deliveryId() == null ? null : deliveryId(e.deliveryId()),
                        authMethod, () -> routeTraced(span, exchange, e.envelope()), sourceRepeatWindow, traceparent));
            }
            exchange.setProperty(ExchangeProperties.SOURCE_STORED, storing(events.get(0).envelope(), () -> archive.storeAll(deliveries)));
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Runs a store call, turning the archive's failures into the webhook's answers (503, 400). */
    private static <T> T storing(EventEnvelope envelope, Supplier<T> store) {
        try {
            return store.get();
        } catch (StorageUnavailableException e) {
            log.warn("event {} of session {} not stored, answered 503: {}", envelope.eventId(), envelope.sessionId(),
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            throw new WebhookRejection(503, "storage_unavailable",
                    "the event could not be stored; retry later", Map.of("Retry-After", "5"));
        } catch (UnstorableEventException e) {
            throw WebhookRejection.badRequest("invalid_json", "the payload holds a value that cannot be stored (e.g. a NUL character)");
        }
    }

    /**
     * Runs routes/router.yaml's direct:route-event for the event, on the archive writer's thread and so inside the
     * transaction that stores the event; a failure comes back as an exception, which rolls the route's writes back.
     */
    private static String route(ProducerTemplate producer, Exchange exchange, EventEnvelope envelope) throws Exception {
        // A copy without the client's headers: its API key and signature never reach a route.
        Exchange routed = exchange.copy();
        routed.setProperty(ExchangeProperties.ENVELOPE, envelope);
        EventHeaders.carry(routed.getMessage(), envelope);
        producer.send(ROUTE, routed);
        if (routed.getException() != null) {
            throw routed.getException();
        }
        return routed.getProperty(ExchangeProperties.EVENT_OUTCOME, "processed", String.class);
    }

    /** The repeat key as stored: trimmed, and hashed past the column's length. */
    static String deliveryId(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String id = header.trim();
        // The column and the claim key are bounded; a longer id is still unique by its hash.
        return id.length() <= MAX_DELIVERY_ID ? id
                : "sha256:" + Digests.sha256Hex(id.getBytes(StandardCharsets.UTF_8));
    }
}
