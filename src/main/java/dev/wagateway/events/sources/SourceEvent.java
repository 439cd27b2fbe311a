package dev.wagateway.events.sources;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event in the gateway's terms. `data` is in the shape today's routes read for that event (the
 * whatsapp-web.js server's: see routes/*.yaml, events/MessageColumns, events/MediaColumns and the samples in
 * src/test/resources/samples/), so every existing route, table, output and the read API serve it unchanged;
 * the source's own document for this one event is kept under data.raw ({@link #RAW}). `deliveryId`: a stable id
 * of this event at the source (e.g. "cloud:wamid...:delivered", "waha:<payload.id>"), used as the repeat key like
 * X-Delivery-Id so a source's retry is answered duplicate; null when the source gives none.
 */
record SourceEvent(String sessionId, String event, JsonNode data, String deliveryId) {

    /** The field of {@code data} holding the source's own document for this event, as the source sent it. */
    public static final String RAW = "raw";
}
