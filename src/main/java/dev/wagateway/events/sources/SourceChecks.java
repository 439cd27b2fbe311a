package dev.wagateway.events.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wagateway.events.PayloadNormaliser;
import dev.wagateway.shared.WebhookRejection;

/**
 * What the WAHA and Evolution API mappers share: the checks SPEC.md puts on every session id and event name (a
 * source's own names pass the same rules as the whatsapp-web.js webhook's), the ack scale, and small readers of
 * the sources' JSON. Refusals are {@link WebhookRejection}s, answered as our JSON 400 before anything is stored.
 */
final class SourceChecks {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The error code of a body that is JSON but not the source's shape (a mapped event missing what it needs). */
    static final String INVALID_PAYLOAD = "invalid_payload";

    private static final Pattern VERSION_SEGMENT = Pattern.compile("v\\d+");

    /**
     * whatsapp-web.js's ack scale, which wa_messages.ack and the message_ack route use, from the status names the
     * sources send: WAHA's ackName (ERROR, PENDING, SERVER, DEVICE, READ, PLAYED) and Evolution API's message
     * status (ERROR, PENDING, SERVER_ACK, DELIVERY_ACK, READ, PLAYED).
     */
    private static final Map<String, Integer> ACK_SCALE = Map.of(
            "ERROR", -1, "PENDING", 0, "SERVER", 1, "SERVER_ACK", 1, "DEVICE", 2, "DELIVERY_ACK", 2,
            "READ", 3, "PLAYED", 4);

    private SourceChecks() {
    }

    static JsonNode requireObject(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw WebhookRejection.badRequest("invalid_json", "the request body must be a JSON object");
        }
        return body;
    }

    /**
     * The session id from the body's own field, checked as SPEC.md checks sessionId. A path session id (the
     * per-session URL) fills in a missing field and must agree with a present one: never silently overridden.
     */
    static String sessionId(JsonNode value, String field, String pathSessionId) {
        String fromBody = text(value);
        if (fromBody != null && pathSessionId != null && !fromBody.equals(pathSessionId)) {
            throw WebhookRejection.badRequest("session_mismatch",
                    "the payload's " + field + " does not match the session in the URL");
        }
        String sessionId = fromBody != null ? fromBody : pathSessionId;
        if (sessionId == null || sessionId.isEmpty()) {
            throw WebhookRejection.badRequest("missing_session_id", "the payload names no " + field);
        }
        if (!PayloadNormaliser.validSessionId(sessionId)) {
            throw WebhookRejection.badRequest("invalid_session_id", field + " must match ^[A-Za-z0-9_-]{1,64}$");
        }
        return sessionId;
    }

    /**
     * A source's own event name as one of ours (^[a-z_]{1,64}$): lower case, words joined by '_', version
     * segments dropped ({@code group.v2.join} becomes {@code group_join}, {@code group-participants.update}
     * becomes {@code group_participants_update}).
     */
    static String ownName(String sourceEvent) {
        List<String> words = new ArrayList<>();
        for (String segment : sourceEvent.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            String word = segment.replaceAll("[^a-z]", "");
            if (!word.isEmpty() && !VERSION_SEGMENT.matcher(segment).matches()) {
                words.add(word);
            }
        }
        String name = String.join("_", words);
        if (name.isEmpty()) {
            throw WebhookRejection.badRequest("invalid_event", "the event name '" + sourceEvent + "' has no letters");
        }
        return name.length() > 64 ? name.substring(0, 64) : name;
    }

    /** The ack scale value of a status name, or null for a name that is not an ack (Evolution's DELETED). */
    static Integer ack(String statusName) {
        return statusName == null ? null : ACK_SCALE.get(statusName.toUpperCase(Locale.ROOT));
    }

    /** data for an event: the mapped fields plus the source's own document under {@link SourceEvent#RAW}. */
    static ObjectNode data(JsonNode raw) {
        ObjectNode data = JSON.objectNode();
        data.set(SourceEvent.RAW, raw);
        return data;
    }

    static WebhookRejection invalid(String message) {
        return WebhookRejection.badRequest(INVALID_PAYLOAD, message);
    }

    /** Text of a value node, or null when missing, null, empty or not a value. */
    static String text(JsonNode node) {
        if (node == null || !node.isValueNode() || node.isNull()) {
            return null;
        }
        String text = node.asText();
        return text.isEmpty() ? null : text;
    }

    static JsonNode bool(JsonNode node) {
        return node != null && node.isBoolean() ? node : JSON.nullNode();
    }

    /** A whole number of seconds from a number or numeric text (Evolution sends Long values as either). */
    static JsonNode seconds(JsonNode node) {
        if (node != null && node.isNumber()) {
            return JSON.numberNode(node.asLong());
        }
        String text = text(node);
        if (text != null) {
            try {
                return JSON.numberNode(Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                return JSON.nullNode();
            }
        }
        return JSON.nullNode();
    }

    /**
     * whatsapp-web.js's MessageId, the shape MessageColumns reads: {@code _serialized} is what the gateway keys
     * messages by (the source's own message id).
     */
    static ObjectNode messageId(boolean fromMe, String remote, String id, String serialized) {
        ObjectNode node = JSON.objectNode();
        node.put("fromMe", fromMe);
        node.set("remote", textNode(remote));
        node.put("id", id);
        node.put("_serialized", serialized);
        return node;
    }

    static JsonNode textNode(String value) {
        return value == null ? JSON.nullNode() : JSON.textNode(value);
    }
}
