package dev.wagateway.shared;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The envelope as the outputs send it (HTTP body, Kafka and RabbitMQ message) and as a dead letter keeps it:
 * {@code {"eventId","sessionId","event","source","format","receivedAt","sourceIp","data"}}: the same field set
 * whatever source sent the event.
 */
public final class EnvelopeJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EnvelopeJson() {
    }

    public static byte[] write(EventEnvelope e) {
        return bytes(node(e));
    }

    /** A batched delivery's body: the envelopes as one JSON array, in the order given. */
    public static byte[] writeAll(List<EventEnvelope> events) {
        ArrayNode array = MAPPER.createArrayNode();
        events.forEach(e -> array.add(node(e)));
        return bytes(array);
    }

    private static ObjectNode node(EventEnvelope e) {
        ObjectNode node = MAPPER.createObjectNode()
                .put("eventId", e.eventId())
                .put("sessionId", e.sessionId())
                .put("event", e.event())
                .put("source", e.source())
                .put("format", e.formatName())
                .put("receivedAt", e.receivedAt().toInstant().toString())
                .put("sourceIp", e.sourceIp());
        node.set("data", e.data());
        return node;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static EventEnvelope read(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            PayloadFormat format = PayloadFormat.fromWireName(n.path("format").asText());
            return new EventEnvelope(n.path("eventId").asText(), n.path("sessionId").asText(), n.path("event").asText(),
                    n.path("data"), OffsetDateTime.parse(n.path("receivedAt").asText().replace("Z", "+00:00")), format,
                    n.path("sourceIp").isNull() ? null : n.path("sourceIp").asText(null), null,
                    // dead letters kept before sources existed have no source: they came from whatsapp-web.js
                    n.path("source").asText(EventEnvelope.WWEBJS));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
