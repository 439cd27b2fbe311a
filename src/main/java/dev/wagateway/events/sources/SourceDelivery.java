package dev.wagateway.events.sources;

import dev.wagateway.shared.EventEnvelope;

/** One event of a source's delivery, ready for the archive: its envelope and its repeat key (or null). */
public record SourceDelivery(EventEnvelope envelope, String deliveryId) {
}
