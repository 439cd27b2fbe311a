package dev.wagateway.events.sources;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wagateway.shared.WebhookRejection;

/**
 * The WhatsApp Business Cloud API (Meta) webhook: {@code {"object":"whatsapp_business_account","entry":[{"id",
 * "changes":[{"field":"messages","value":{"metadata":{"phone_number_id",...},"contacts","messages","statuses"}}]}]}}.
 * Every element of {@code messages} becomes a {@code message}, every element of {@code statuses} a
 * {@code message_ack}, in the delivery's order; the session is {@code metadata.phone_number_id}. They are given the
 * shapes whatsapp-web.js sends (see src/test/resources/samples/message.json, message_ack.json), so routes/messages.yaml
 * stores them unchanged:
 * <ul>
 * <li>the message id ({@code id._serialized}) is the wamid, so {@code GET /api/whatsapp/messages/{wamid}} finds it;
 * phone numbers become chat ids ({@code <number>@c.us}); a user known only by its business-scoped user id
 * ({@code from_user_id}, {@code recipient_user_id}: users with a username, from 2026) keeps that id as its chat id;
 * {@code text} is type {@code chat}, a voice note {@code ptt};</li>
 * <li>media arrive as a media id, not bytes: {@code message.mediaRef} keeps {@code id}, {@code mimetype},
 * {@code sha256} (Meta's, as sent), {@code filename}; nothing is downloaded;</li>
 * <li>statuses take whatsapp-web.js's ack scale: sent 1 (server), delivered 2 (device), read 3, played 4,
 * failed -1 (error); any other status is kept as {@code message_status} for the catch-all;</li>
 * <li>a change of another field (a subscription beyond {@code messages}) is kept under the field's name, and a
 * {@code messages} change with neither (Meta's {@code errors}) as {@code message_errors}.</li>
 * </ul>
 * {@code data.raw} holds the source's own document for the one event: the change's {@code value} with only this
 * message (and its sender's contact) or this status. The repeat key is {@code cloud:<wamid>} for a message and
 * {@code cloud:<wamid>:<status>} for a status, so Meta's retry of a delivery is answered duplicate event by event.
 */
class CloudApiMapper implements SourceMapper {

    public static final String SOURCE = "cloud";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The whatsapp-web.js ack scale (Message.ack): -1 error, 0 pending, 1 server, 2 device, 3 read, 4 played. */
    private static final Map<String, Integer> ACKS = Map.of("failed", -1, "sent", 1, "delivered", 2, "read", 3,
            "played", 4);
    private static final List<String> MEDIA = List.of("image", "video", "audio", "document", "sticker");

    @Override
    public String source() {
        return SOURCE;
    }

    @Override
    public List<SourceEvent> map(JsonNode body, String pathSessionId, String pathEvent) {
        if (!"whatsapp_business_account".equals(body.path("object").asText(null))) {
            throw invalid("object must be whatsapp_business_account");
        }
        JsonNode entries = body.path("entry");
        if (!entries.isArray() || entries.isEmpty()) {
            throw invalid("entry must be a non-empty array");
        }
        List<SourceEvent> events = new ArrayList<>();
        for (JsonNode entry : entries) {
            JsonNode changes = entry.path("changes");
            if (!changes.isArray()) {
                throw invalid("entry[].changes must be an array");
            }
            for (JsonNode change : changes) {
                mapChange(entry, change, events);
            }
        }
        return events;
    }

    private void mapChange(JsonNode entry, JsonNode change, List<SourceEvent> events) {
        JsonNode value = change.path("value");
        String field = text(change, "field");
        if (!value.isObject() || field == null) {
            throw invalid("entry[].changes[] needs a field and a value object");
        }
        String session = text(value.path("metadata"), "phone_number_id");
        if (!"messages".equals(field)) {
            // Another subscription (account_update, message_template_status_update, ...): kept under its name.
            String name = field.toLowerCase(Locale.ROOT).replaceAll("[^a-z_]", "_");
            events.add(new SourceEvent(session != null ? session : text(entry, "id"), name, SourceChecks.data(value), null));
            return;
        }
        if (session == null) {
            throw invalid("value.metadata.phone_number_id is missing");
        }
        JsonNode messages = value.path("messages");
        JsonNode statuses = value.path("statuses");
        if (!messages.isMissingNode() && !messages.isArray() || !statuses.isMissingNode() && !statuses.isArray()) {
            throw invalid("value.messages and value.statuses must be arrays");
        }
        for (JsonNode m : messages) {
            events.add(message(session, value, m));
        }
        for (JsonNode s : statuses) {
            events.add(status(session, value, s));
        }
        if (messages.isMissingNode() && statuses.isMissingNode()) {
            events.add(new SourceEvent(session, value.has("errors") ? "message_errors" : "messages", SourceChecks.data(value), null));
        }
    }

    private SourceEvent message(String session, JsonNode value, JsonNode m) {
        String wamid = text(m, "id");
        if (!m.isObject() || wamid == null) {
            throw invalid("value.messages[] needs an id");
        }
        // A user with a username may come without a phone number (Meta's business-scoped user ids, 2026): then
        // the user id stands in; system messages carry no contacts.
        String from = firstText(m, "from", "from_user_id");
        if (from == null && value.path("contacts").size() == 1) {
            from = firstText(value.path("contacts").get(0), "wa_id", "user_id");
        }
        String type = text(m, "type") == null ? "unknown" : text(m, "type");
        JsonNode content = m.path(type);
        ObjectNode message = NODES.objectNode();
        message.set("id", SourceChecks.messageId(false, from == null ? null : chatId(from, false), wamid, wamid));
        boolean media = MEDIA.contains(type) && content.isObject();
        message.put("hasMedia", media);
        message.put("body", body(type, content));
        message.put("type", wwebjsType(type, content));
        putTimestamp(message, m);
        if (from != null) {
            message.put("from", chatId(from, false));
        }
        String business = text(value.path("metadata"), "display_phone_number");
        if (business != null) {
            message.put("to", chatId(business, false));
        }
        message.put("fromMe", false);
        JsonNode context = m.path("context");
        message.put("hasQuotedMsg", text(context, "id") != null);
        message.put("isForwarded", context.path("forwarded").asBoolean(false) || context.path("frequently_forwarded").asBoolean(false));
        if (media) {
            ObjectNode ref = message.putObject("mediaRef");
            ref.put("source", SOURCE);
            ref.put("id", text(content, "id"));
            ref.put("mimetype", text(content, "mime_type"));
            ref.put("sha256", text(content, "sha256"));
            ref.put("filename", text(content, "filename"));
        }
        message.set("_data", m);

        ObjectNode raw = envelopeOf(value);
        ArrayNode contacts = NODES.arrayNode();
        for (JsonNode c : value.path("contacts")) {
            if (from != null && (from.equals(text(c, "wa_id")) || from.equals(text(c, "user_id")))) {
                contacts.add(c);
            }
        }
        if (!contacts.isEmpty()) {
            raw.set("contacts", contacts);
        }
        raw.putArray("messages").add(m);
        ObjectNode data = NODES.objectNode();
        data.set("message", message);
        data.set(SourceEvent.RAW, raw);
        return new SourceEvent(session, "message", data, "cloud:" + wamid);
    }

    private SourceEvent status(String session, JsonNode value, JsonNode s) {
        String wamid = text(s, "id");
        String status = text(s, "status");
        if (!s.isObject() || wamid == null || status == null) {
            throw invalid("value.statuses[] needs id and status");
        }
        ObjectNode raw = envelopeOf(value);
        raw.putArray("statuses").add(s);
        ObjectNode data = NODES.objectNode();
        Integer ack = ACKS.get(status);
        String deliveryId = "cloud:" + wamid + ":" + status;
        if (ack == null) {
            data.put("status", status);
            data.set(SourceEvent.RAW, raw);
            return new SourceEvent(session, "message_status", data, deliveryId);
        }
        boolean group = "group".equals(text(s, "recipient_type"));
        String recipient = firstText(s, "recipient_id", "recipient_user_id");
        ObjectNode message = NODES.objectNode();
        message.set("id", SourceChecks.messageId(true, recipient == null ? null : chatId(recipient, group), wamid, wamid));
        message.put("ack", ack);
        putTimestamp(message, s);
        String business = text(value.path("metadata"), "display_phone_number");
        if (business != null) {
            message.put("from", chatId(business, false));
        }
        if (recipient != null) {
            message.put("to", chatId(recipient, group));
        }
        message.put("fromMe", true);
        message.set("_data", s);
        data.set("message", message);
        data.put("ack", ack);
        data.set(SourceEvent.RAW, raw);
        return new SourceEvent(session, "message_ack", data, deliveryId);
    }

    private static String body(String type, JsonNode content) {
        String body = switch (type) {
            case "text" -> text(content, "body");
            case "image", "video", "document" -> text(content, "caption");
            case "reaction" -> text(content, "emoji");
            case "button" -> text(content, "text");
            case "interactive" -> {
                String reply = text(content.path("button_reply"), "title");
                yield reply != null ? reply : text(content.path("list_reply"), "title");
            }
            case "location" -> text(content, "name");
            default -> null;
        };
        return body == null ? "" : body;
    }

    /** The type whatsapp-web.js would give (MessageTypes), where it differs from the Cloud API's name. */
    private static String wwebjsType(String type, JsonNode content) {
        return switch (type) {
            case "text" -> "chat";
            case "audio" -> content.path("voice").asBoolean(false) ? "ptt" : "audio";
            case "contacts" -> content.size() > 1 ? "multi_vcard" : "vcard";
            case "button" -> "buttons_response";
            case "interactive" -> content.has("list_reply") ? "list_response" : "buttons_response";
            default -> type;
        };
    }

    private static void putTimestamp(ObjectNode target, JsonNode from) {
        String ts = text(from, "timestamp");
        if (ts != null) {
            try {
                target.put("timestamp", Long.parseLong(ts.trim()));
            } catch (NumberFormatException e) {
                throw invalid("timestamp must be epoch seconds");
            }
        }
    }

    /**
     * A phone number as a whatsapp-web.js chat id ({@code <number>@c.us}, a group {@code @g.us}); a business-scoped
     * user id ({@code US.1349...}) is not a number and stays as it is.
     */
    private static String chatId(String id, boolean group) {
        return id.chars().allMatch(Character::isDigit) ? id + (group ? "@g.us" : "@c.us") : id;
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = text(node, field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The change's value without its messages and statuses: each event adds its own. */
    private static ObjectNode envelopeOf(JsonNode value) {
        ObjectNode raw = NODES.objectNode();
        value.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("messages") && !f.getKey().equals("statuses") && !f.getKey().equals("contacts")) {
                raw.set(f.getKey(), f.getValue());
            }
        });
        return raw;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? v.asText() : v.isNumber() ? v.asText() : null;
    }

    private static WebhookRejection invalid(String why) {
        return SourceChecks.invalid("not a Cloud API webhook delivery: " + why);
    }
}
