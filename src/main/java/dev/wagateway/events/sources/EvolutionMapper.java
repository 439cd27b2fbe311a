package dev.wagateway.events.sources;

import static dev.wagateway.events.sources.SourceChecks.JSON;
import static dev.wagateway.events.sources.SourceChecks.bool;
import static dev.wagateway.events.sources.SourceChecks.seconds;
import static dev.wagateway.events.sources.SourceChecks.text;
import static dev.wagateway.events.sources.SourceChecks.textNode;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wagateway.shared.WebhookRejection;

/**
 * Evolution API (EvolutionAPI/evolution-api, v2) webhooks: one event per POST, {@code {event, instance, data,
 * destination, date_time, sender, server_url, apikey}}. The event arrives as {@code messages.upsert} (or
 * {@code MESSAGES_UPSERT}), and with "webhook by events" also in the URL ({@code .../evolution/messages-upsert},
 * passed here as pathEvent): all spellings are compared as Evolution's own constant (MESSAGES_UPSERT). The session
 * is the {@code instance}; a message keeps Evolution's own id ({@code data.key.id}) as its message id, and user
 * JIDs are written as whatsapp-web.js writes them ({@code 628...@c.us} for Baileys' {@code 628...@s.whatsapp.net}).
 * <ul>
 * <li>{@code qrcode.updated} is {@code qr} with {@code data.qrcode.code} as the QR string;</li>
 * <li>{@code connection.update}: state open is {@code ready}, close and refused are {@code disconnected} (the
 * reason is Evolution's statusReason, 401 for a logout), any other state (connecting) is {@code change_state};</li>
 * <li>{@code messages.upsert} is {@code message}, or {@code message_create} for one's own ({@code key.fromMe});
 * {@code send.message} (sent through the API) is {@code message_create};</li>
 * <li>{@code messages.update} with an ack status (SERVER_ACK, DELIVERY_ACK, READ, PLAYED, ...) is
 * {@code message_ack} on whatsapp-web.js's scale; {@code call} is {@code call};</li>
 * <li>anything else keeps its own name in our spelling ({@code contacts.update} is {@code contacts_update}).</li>
 * </ul>
 * Every event's data carries Evolution's document under {@code raw}, without its {@code apikey} field (the
 * instance's token: a secret that must not travel on to outputs).
 */
final class EvolutionMapper implements SourceMapper {

    public static final String SOURCE = "evolution";

    /** Evolution's messageType (Baileys' content key) to whatsapp-web.js's message type. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("conversation", "chat"), Map.entry("extendedTextMessage", "chat"),
            Map.entry("imageMessage", "image"), Map.entry("videoMessage", "video"),
            Map.entry("ptvMessage", "video"), Map.entry("audioMessage", "audio"),
            Map.entry("documentMessage", "document"), Map.entry("documentWithCaptionMessage", "document"),
            Map.entry("stickerMessage", "sticker"), Map.entry("locationMessage", "location"),
            Map.entry("liveLocationMessage", "location"), Map.entry("contactMessage", "vcard"),
            Map.entry("contactsArrayMessage", "multi_vcard"), Map.entry("reactionMessage", "reaction"),
            Map.entry("pollCreationMessage", "poll_creation"), Map.entry("pollCreationMessageV3", "poll_creation"));

    private static final Set<String> MEDIA_TYPES = Set.of("imageMessage", "videoMessage", "ptvMessage",
            "audioMessage", "documentMessage", "documentWithCaptionMessage", "stickerMessage");

    /** A Baileys user JID, with or without its device part: {@code 6281234567890:12@s.whatsapp.net}. */
    private static final Pattern USER_JID = Pattern.compile("^([^:@]+)(?::\\d+)?@s\\.whatsapp\\.net$");

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<SourceEvent> map(JsonNode body, String pathSessionId, String pathEvent) {
        SourceChecks.requireObject(body);
        String sessionId = SourceChecks.sessionId(body.path("instance"), "instance", pathSessionId);
        String event = eventConstant(text(body.path("event")), pathEvent);
        JsonNode payload = body.path("data");
        ObjectNode raw = ((ObjectNode) body).deepCopy();
        raw.remove("apikey");
        ObjectNode data = SourceChecks.data(raw);
        String mapped = switch (event) {
            case "QRCODE_UPDATED" -> qr(payload, data);
            case "CONNECTION_UPDATE" -> connection(payload, data);
            case "MESSAGES_UPSERT" -> message(payload, body, data,
                    payload.path("key").path("fromMe").asBoolean(false) ? "message_create" : "message");
            case "SEND_MESSAGE" -> message(payload, body, data, "message_create");
            case "MESSAGES_UPDATE" -> update(payload, body, data);
            case "CALL" -> call(payload, data);
            default -> SourceChecks.ownName(event);
        };
        SourceEvent first = new SourceEvent(sessionId, mapped, data, deliveryId(sessionId, event, mapped, payload));
        if (("MESSAGES_UPSERT".equals(event) || "SEND_MESSAGE".equals(event))
                && payload.path("message").path("base64").isTextual()) {
            return List.of(first, media(sessionId, text(payload.path("messageType")), raw, data, first.deliveryId()));
        }
        return List.of(first);
    }

    /**
     * Evolution's {@code webhookBase64}: the file's bytes in {@code data.message.base64} beside the message. They
     * leave the message's raw document for a media event of whatsapp-web.js's shape ({@code messageMedia} with the
     * base64, mimetype and filename, and the message), which the intake writes to the media store like the
     * webhook's (routes/sources.yaml, mediaExtractor) and routes/messages.yaml's event-media links to the message:
     * the archive keeps no copy of the file.
     */
    private static SourceEvent media(String sessionId, String messageType, ObjectNode raw, ObjectNode messageData,
            String messageDeliveryId) {
        ObjectNode rawMessage = (ObjectNode) raw.path("data").path("message");
        String base64 = rawMessage.remove("base64").textValue();
        JsonNode content = messageType == null ? JSON.missingNode() : rawMessage.path(messageType);
        if (content.path("message").isObject()) {
            // documentWithCaptionMessage wraps the documentMessage that has the file's details
            content = content.path("message").path("documentMessage");
        }
        ObjectNode data = JSON.objectNode();
        ObjectNode file = data.putObject("messageMedia");
        file.set("mimetype", textNode(text(content.path("mimetype"))));
        file.put("data", base64);
        file.set("filename", textNode(text(content.path("fileName"))));
        JsonNode fileLength = content.path("fileLength"); // a string in Baileys' JSON (a Long), a number elsewhere
        String length = fileLength.isNumber() || fileLength.isTextual() ? fileLength.asText() : null;
        if (length != null && length.matches("\\d{1,15}")) {
            file.put("filesize", Long.parseLong(length));
        }
        data.set("message", messageData.get("message").deepCopy());
        return new SourceEvent(sessionId, "media", data, messageDeliveryId == null ? null : messageDeliveryId + ":media");
    }

    /**
     * The event as Evolution's constant (what it lists in WEBHOOK_EVENTS_*): {@code messages.upsert},
     * {@code MESSAGES_UPSERT} and the by-events URL's {@code messages-upsert} are all MESSAGES_UPSERT.
     */
    static String eventConstant(String bodyEvent, String pathEvent) {
        String fromBody = bodyEvent == null ? null : constant(bodyEvent);
        String fromPath = pathEvent == null || pathEvent.isBlank() ? null : constant(pathEvent);
        if (fromBody != null && fromPath != null && !fromBody.equals(fromPath)) {
            throw WebhookRejection.badRequest("invalid_event",
                    "the payload's event does not match the event in the URL");
        }
        String event = fromBody != null ? fromBody : fromPath;
        if (event == null || event.isEmpty()) {
            throw WebhookRejection.badRequest("missing_event", "the payload names no event");
        }
        return event;
    }

    private static String constant(String name) {
        return name.trim().replaceAll("[.\\-]", "_").toUpperCase(Locale.ROOT);
    }

    private static String qr(JsonNode payload, ObjectNode data) {
        String code = text(payload.path("qrcode").path("code"));
        if (code == null) {
            // The other qrcode.updated Evolution sends: "QR code limit reached", no QR in it.
            return "qrcode_updated";
        }
        data.put("qr", code);
        data.set("pairingCode", textNode(text(payload.path("qrcode").path("pairingCode"))));
        return "qr";
    }

    private static String connection(JsonNode payload, ObjectNode data) {
        String state = text(payload.path("state"));
        if (state == null) {
            throw SourceChecks.invalid("connection.update carries no data.state");
        }
        switch (state) {
            case "open":
                return "ready";
            case "close":
            case "refused":
                String reason = text(payload.path("statusReason"));
                data.put("reason", reason != null ? reason : state);
                return "disconnected";
            default:
                data.put("state", state);
                return "change_state";
        }
    }

    private static String message(JsonNode payload, JsonNode body, ObjectNode data, String event) {
        data.set("message", wwebjsMessage(payload, jid(text(body.path("sender")))));
        return event;
    }

    private static String update(JsonNode payload, JsonNode body, ObjectNode data) {
        Integer ack = SourceChecks.ack(text(payload.path("status")));
        if (ack == null) {
            // Not a receipt (DELETED, a poll update): kept under Evolution's own name.
            return "messages_update";
        }
        String keyId = text(payload.path("keyId"));
        if (keyId == null) {
            keyId = text(payload.path("key").path("id"));
        }
        if (keyId == null) {
            throw SourceChecks.invalid("messages.update carries no data.keyId");
        }
        boolean fromMe = payload.path("fromMe").asBoolean(payload.path("key").path("fromMe").asBoolean(false));
        String chat = jid(text(payload.path("remoteJid")));
        String sender = jid(text(body.path("sender")));

        ObjectNode id = SourceChecks.messageId(fromMe, chat, keyId, keyId);
        ObjectNode message = JSON.objectNode();
        message.set("id", id);
        message.set("from", textNode(fromMe ? sender : chat));
        message.set("to", textNode(fromMe ? chat : sender));
        message.set("author", textNode(jid(text(payload.path("participant")))));
        message.put("fromMe", fromMe);
        message.put("ack", ack);
        data.set("message", message);
        data.put("ack", ack);
        return "message_ack";
    }

    private static String call(JsonNode payload, ObjectNode data) {
        String id = text(payload.path("id"));
        if (!payload.isObject() || id == null) {
            throw SourceChecks.invalid("call carries no data.id");
        }
        ObjectNode call = JSON.objectNode();
        call.put("id", id);
        call.set("from", textNode(jid(text(payload.path("from")))));
        call.set("timestamp", epochSeconds(payload.path("date")));
        call.set("isVideo", bool(payload.path("isVideo")));
        call.set("isGroup", bool(payload.path("isGroup")));
        call.put("fromMe", false);
        data.set("call", call);
        return "call";
    }

    /**
     * Evolution's message (Baileys' WebMessageInfo as Evolution prepares it) in whatsapp-web.js's shape, the one
     * MessageColumns reads, chat ids as whatsapp-web.js writes them. {@code sender} is the instance's own number
     * (the envelope's sender).
     */
    static ObjectNode wwebjsMessage(JsonNode payload, String sender) {
        JsonNode key = payload.path("key");
        String keyId = text(key.path("id"));
        if (!payload.isObject() || keyId == null) {
            throw SourceChecks.invalid("the Evolution message carries no data.key.id");
        }
        boolean fromMe = key.path("fromMe").asBoolean(false);
        String chat = jid(text(key.path("remoteJid")));
        String participant = jid(text(key.path("participant")));
        String messageType = text(payload.path("messageType"));
        JsonNode content = payload.path("message");

        ObjectNode id = SourceChecks.messageId(fromMe, chat, keyId, keyId);

        ObjectNode message = JSON.objectNode();
        message.set("id", id);
        message.set("from", textNode(fromMe ? sender : participant != null ? participant : chat));
        message.set("to", textNode(fromMe ? chat : sender));
        message.set("author", textNode(participant));
        message.put("fromMe", fromMe);
        message.set("body", textNode(body(content)));
        message.set("type", textNode(messageType == null ? null : TYPES.getOrDefault(messageType, messageType)));
        message.set("timestamp", seconds(payload.path("messageTimestamp")));
        message.put("hasMedia", messageType != null && MEDIA_TYPES.contains(messageType));
        message.put("hasQuotedMsg", quoted(payload, content, messageType));
        Integer ack = SourceChecks.ack(text(payload.path("status")));
        message.set("ack", ack == null ? JSON.nullNode() : JSON.numberNode(ack));
        message.set("notifyName", textNode(text(payload.path("pushName"))));
        return message;
    }

    /** The text a person sees: the text itself, or a media caption, or a reaction's emoji. */
    private static String body(JsonNode content) {
        for (String path : new String[] {"/conversation", "/extendedTextMessage/text", "/imageMessage/caption",
                "/videoMessage/caption", "/documentMessage/caption", "/reactionMessage/text"}) {
            String text = text(content.at(path));
            if (text != null) {
                return text;
            }
        }
        return null;
    }

    private static boolean quoted(JsonNode payload, JsonNode content, String messageType) {
        if (payload.path("contextInfo").path("quotedMessage").isObject()) {
            return true;
        }
        return messageType != null && content.path(messageType).path("contextInfo").path("quotedMessage").isObject();
    }

    /**
     * A chat or contact id as whatsapp-web.js writes it: Baileys' user JIDs ({@code 628...@s.whatsapp.net}) are
     * whatsapp-web.js's {@code 628...@c.us}, so rows from either server name the same chat the same way. Groups
     * ({@code @g.us}), {@code @lid} and {@code @broadcast} ids are the same in both and pass unchanged.
     */
    static String jid(String baileys) {
        if (baileys == null) {
            return null;
        }
        Matcher user = USER_JID.matcher(baileys);
        return user.matches() ? user.group(1) + "@c.us" : baileys;
    }

    /** Baileys' call date (a JSON date string) as epoch seconds. */
    private static JsonNode epochSeconds(JsonNode date) {
        if (date.isNumber()) {
            return seconds(date);
        }
        String text = text(date);
        if (text == null) {
            return JSON.nullNode();
        }
        try {
            return JSON.numberNode(OffsetDateTime.parse(text).toEpochSecond());
        } catch (DateTimeParseException e) {
            return JSON.nullNode();
        }
    }

    /**
     * Evolution gives no event id and retries a failed POST with the same body; the message's own id (with the
     * status for a receipt) makes its retries duplicates. Other events rely on the identical-body repeat rule.
     */
    private static String deliveryId(String sessionId, String event, String mapped, JsonNode payload) {
        String prefix = "evolution:" + sessionId + ":" + event + ":";
        return switch (event) {
            case "MESSAGES_UPSERT", "SEND_MESSAGE" -> prefix + text(payload.path("key").path("id"));
            case "MESSAGES_UPDATE" -> "message_ack".equals(mapped)
                    ? prefix + (text(payload.path("keyId")) != null ? text(payload.path("keyId"))
                            : text(payload.path("key").path("id"))) + ":" + text(payload.path("status"))
                    : null;
            default -> null;
        };
    }
}
