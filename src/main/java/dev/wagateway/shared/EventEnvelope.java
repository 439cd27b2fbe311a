package dev.wagateway.shared;

import java.time.OffsetDateTime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The one shape every route sees, whichever of the three payload formats the sender used (SPEC.md), and whichever
 * source sent it: {@code source} names the server kind ({@link #WWEBJS} for the whatsapp-web.js webhook,
 * "cloud", "waha", "evolution" for the endpoints of routes/sources.yaml). {@code bodySha256} identifies the exact
 * body (for a source delivery carrying several events: the whole delivery's body).
 */
public record EventEnvelope(
        String eventId,
        String sessionId,
        String event,
        JsonNode data,
        OffsetDateTime receivedAt,
        PayloadFormat format,
        String sourceIp,
        String bodySha256,
        String source) {

    /** The source of every event posted to the whatsapp-web.js webhook (/api/whatsapp/webhook). */
    public static final String WWEBJS = "wwebjs";

    /** An event of the whatsapp-web.js webhook. */
    public EventEnvelope(String eventId, String sessionId, String event, JsonNode data, OffsetDateTime receivedAt,
            PayloadFormat format, String sourceIp, String bodySha256) {
        this(eventId, sessionId, event, data, receivedAt, format, sourceIp, bodySha256, WWEBJS);
    }

    /** A field of {@code data} as text, or null: lets YAML routes and SQL say {@code ${body.text('qr')}}. */
    public String text(String field) {
        JsonNode node = data.get(field);
        return node == null || node.isNull() ? null : node.isValueNode() ? node.asText() : node.toString();
    }

    /**
     * The first present of the comma-separated {@code fields} of {@code data}, or {@code data} itself when the
     * sender sent a bare string: {@code ${body.firstText('msg,message,reason')}}.
     */
    public String firstText(String fields) {
        if (data.isTextual()) {
            return data.asText();
        }
        for (String field : fields.split(",")) {
            String value = text(field.trim());
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** A numeric field of {@code data} as an integer, or null when absent or not a number. */
    public Integer integer(String field) {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.intValue();
        }
        if (node.isTextual()) {
            try {
                return (int) Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** The format name as stored and shown: universal, whatsapp-api or path. */
    public String formatName() {
        return format.wireName();
    }
}
