package dev.wagateway.events.sources;

import static dev.wagateway.events.sources.SourceChecks.JSON;
import static dev.wagateway.events.sources.SourceChecks.bool;
import static dev.wagateway.events.sources.SourceChecks.seconds;
import static dev.wagateway.events.sources.SourceChecks.text;
import static dev.wagateway.events.sources.SourceChecks.textNode;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wagateway.shared.WebhookRejection;

/**
 * WAHA (devlikeapro/waha) webhooks: one event per POST, {@code {id, timestamp, event, session, metadata, me,
 * payload, engine, environment}}. The session is WAHA's {@code session}; a message keeps WAHA's own id
 * ({@code payload.id}, e.g. {@code false_6281234567890@c.us_3EB0C767D71D3A5F0A1B}, the whatsapp-web.js
 * serialised id), so GET /api/whatsapp/messages/{id} finds it.
 * <ul>
 * <li>{@code session.status}: WORKING is {@code ready}; SCAN_QR_CODE is {@code qr}, without the QR itself (WAHA
 * does not post it: its own GET /api/{session}/auth/qr serves it), so the session shows qr_pending; STOPPED and
 * FAILED are {@code disconnected} with the status as reason; the other statuses (STARTING, the passkey steps)
 * are {@code change_state} with the status as state.</li>
 * <li>{@code message} is {@code message}; {@code message.any} (every message, one's own included: whatsapp-web.js's
 * message_create) is {@code message_create}; {@code message.ack} is {@code message_ack} with {@code ack} on
 * whatsapp-web.js's scale (WAHA uses the same one); {@code call.received} is {@code call}.</li>
 * <li>Anything else keeps its own name in our spelling ({@code message.reaction} is {@code message_reaction},
 * {@code group.v2.join} is {@code group_join}) and goes to the catch-all.</li>
 * </ul>
 * Every event's data carries the whole WAHA document under {@code raw}. With {@code fetchMedia} (WAHA_URL set) a
 * message whose file WAHA keeps ({@code payload.media.url}) is followed by a {@code media} event of whatsapp-web.js's
 * shape naming that URL, which the intake downloads into the media store before the delivery is committed
 * (events.MediaExtractor): WAHA deletes its files after a few minutes (WHATSAPP_FILES_LIFETIME, 180 s).
 */
final class WahaMapper implements SourceMapper {

    public static final String SOURCE = "waha";

    private final boolean fetchMedia;

    WahaMapper(boolean fetchMedia) {
        this.fetchMedia = fetchMedia;
    }

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<SourceEvent> map(JsonNode body, String pathSessionId, String pathEvent) {
        SourceChecks.requireObject(body);
        String sessionId = SourceChecks.sessionId(body.path("session"), "session", pathSessionId);
        String event = text(body.path("event"));
        if (event == null) {
            throw WebhookRejection.badRequest("missing_event", "the payload names no event");
        }
        JsonNode payload = body.path("payload");
        ObjectNode data = SourceChecks.data(body);
        String mapped = switch (event) {
            case "session.status" -> sessionStatus(payload, data);
            case "message" -> message(payload, data, "message");
            case "message.any" -> message(payload, data, "message_create");
            case "message.ack" -> ack(payload, data);
            case "call.received" -> call(payload, data);
            default -> SourceChecks.ownName(event);
        };
        SourceEvent first = new SourceEvent(sessionId, mapped, data, deliveryId(body, sessionId, event, payload));
        if (fetchMedia && ("message".equals(event) || "message.any".equals(event))
                && payload.path("hasMedia").asBoolean(false) && text(payload.path("media").path("url")) != null) {
            return List.of(first, media(sessionId, payload.path("media"), data, first.deliveryId()));
        }
        return List.of(first);
    }

    /**
     * The message's file as whatsapp-web.js's media event names it ({@code messageMedia} with mimetype and
     * filename), with WAHA's {@code url} in place of the base64 until the intake has downloaded it.
     */
    private static SourceEvent media(String sessionId, JsonNode media, ObjectNode messageData, String messageDeliveryId) {
        ObjectNode data = JSON.objectNode();
        ObjectNode file = data.putObject("messageMedia");
        file.set("mimetype", textNode(text(media.path("mimetype"))));
        file.putNull("data");
        file.set("filename", textNode(text(media.path("filename"))));
        file.put("url", text(media.path("url")));
        data.set("message", messageData.get("message").deepCopy());
        return new SourceEvent(sessionId, "media", data, messageDeliveryId == null ? null : messageDeliveryId + ":media");
    }

    private static String sessionStatus(JsonNode payload, ObjectNode data) {
        String status = text(payload.path("status"));
        if (status == null) {
            throw SourceChecks.invalid("session.status carries no payload.status");
        }
        switch (status) {
            case "WORKING":
                return "ready";
            case "SCAN_QR_CODE":
                // WAHA announces a new QR but does not post it; null says so to every consumer of the envelope.
                data.putNull("qr");
                return "qr";
            case "STOPPED":
            case "FAILED":
                data.put("reason", status);
                return "disconnected";
            default:
                data.put("state", status);
                return "change_state";
        }
    }

    private static String message(JsonNode payload, ObjectNode data, String event) {
        data.set("message", wwebjsMessage(payload));
        return event;
    }

    private static String ack(JsonNode payload, ObjectNode data) {
        ObjectNode message = wwebjsMessage(payload);
        Integer ack = payload.path("ack").isInt() ? Integer.valueOf(payload.path("ack").asInt())
                : SourceChecks.ack(text(payload.path("ackName")));
        if (ack == null) {
            throw SourceChecks.invalid("message.ack carries neither payload.ack nor a known payload.ackName");
        }
        message.put("ack", ack);
        data.set("message", message);
        data.put("ack", ack);
        return "message_ack";
    }

    private static String call(JsonNode payload, ObjectNode data) {
        String id = text(payload.path("id"));
        if (id == null) {
            throw SourceChecks.invalid("call.received carries no payload.id");
        }
        ObjectNode call = JSON.objectNode();
        call.put("id", id);
        call.set("from", textNode(text(payload.path("from"))));
        call.set("timestamp", seconds(payload.path("timestamp")));
        call.set("isVideo", bool(payload.path("isVideo")));
        call.set("isGroup", bool(payload.path("isGroup")));
        call.put("fromMe", false);
        data.set("call", call);
        return "call";
    }

    /**
     * WAHA's message (already close to whatsapp-web.js's: it is what WAHA's WEBJS engine passes on) in the shape
     * MessageColumns reads: the serialised id split into its parts, the chat, the ack.
     */
    static ObjectNode wwebjsMessage(JsonNode payload) {
        String serialized = text(payload.path("id"));
        if (!payload.isObject() || serialized == null) {
            throw SourceChecks.invalid("the WAHA message carries no payload.id");
        }
        // <fromMe>_<chat>_<id>[_<participant>]: chat ids hold no '_'.
        String[] parts = serialized.split("_", 4);
        boolean parsed = parts.length >= 3 && ("true".equals(parts[0]) || "false".equals(parts[0]));
        JsonNode fromMeField = payload.path("fromMe");
        boolean fromMe = fromMeField.isBoolean() ? fromMeField.asBoolean() : parsed && "true".equals(parts[0]);
        String from = text(payload.path("from"));
        String to = text(payload.path("to"));
        String chat = parsed ? parts[1] : fromMe ? to : from;

        ObjectNode id = SourceChecks.messageId(fromMe, chat, parsed ? parts[2] : serialized, serialized);

        ObjectNode message = JSON.objectNode();
        message.set("id", id);
        message.set("from", textNode(from));
        message.set("to", textNode(to));
        String author = text(payload.path("author"));
        message.set("author", textNode(author != null ? author : text(payload.path("participant"))));
        message.put("fromMe", fromMe);
        message.set("body", textNode(text(payload.path("body"))));
        // WAHA has no top-level type; its WEBJS engine's raw message (_data) has whatsapp-web.js's.
        message.set("type", textNode(text(payload.path("_data").path("type"))));
        message.set("timestamp", seconds(payload.path("timestamp")));
        message.set("hasMedia", bool(payload.path("hasMedia")));
        JsonNode replyTo = payload.path("replyTo");
        // Versions before replyTo existed say nothing about quotes: unknown, not false.
        message.set("hasQuotedMsg", replyTo.isMissingNode() ? JSON.nullNode() : JSON.booleanNode(replyTo.isObject()));
        JsonNode ack = payload.path("ack");
        message.set("ack", ack.isInt() ? ack : JSON.nullNode());
        return message;
    }

    /**
     * WAHA's event id (evt_..., the same on each of its retries) when it sends one; older versions send none, then
     * the message's own id stands in for message events.
     */
    private static String deliveryId(JsonNode body, String sessionId, String event, JsonNode payload) {
        String id = text(body.path("id"));
        if (id != null) {
            return "waha:" + sessionId + ":" + id;
        }
        String messageId = text(payload.path("id"));
        if (messageId == null) {
            return null;
        }
        return switch (event) {
            case "message", "message.any" -> "waha:" + sessionId + ":" + event + ":" + messageId;
            case "message.ack" -> "waha:" + sessionId + ":" + event + ":" + messageId + ":"
                    + payload.path("ack").asText(text(payload.path("ackName")));
            default -> null;
        };
    }
}
