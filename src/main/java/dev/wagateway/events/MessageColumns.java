package dev.wagateway.events;

import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.ExchangeProperties;

/**
 * Maps the objects whatsapp-web.js serialises (Message, Call) onto the columns of wa_messages and wa_calls, as
 * a Map whose keys are the named parameters of the SQL in sql/messages/ and sql/calls/. The routes in
 * messages.yaml set it as the body before their camel-sql steps.
 */
public class MessageColumns {

    /** For message, message_create, media_uploaded and media: the message in data.message. */
    public Map<String, Object> message(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        JsonNode message = required(envelope.data(), "message");
        Map<String, Object> columns = base(envelope);
        JsonNode id = message.path("id");
        String messageId = textOrNull(id.path("_serialized"));
        if (messageId == null) {
            throw new IllegalArgumentException("data.message.id._serialized is missing");
        }
        columns.put("message_id", messageId);
        columns.put("chat_id", textOrNull(id.path("remote")));
        columns.put("from_id", textOrNull(message.path("from")));
        columns.put("to_id", textOrNull(message.path("to")));
        columns.put("author", textOrNull(message.path("author")));
        columns.put("body", textOrNull(message.path("body")));
        columns.put("type", textOrNull(message.path("type")));
        columns.put("msg_timestamp", longOrNull(message.path("timestamp")));
        columns.put("from_me", boolOrNull(message.has("fromMe") ? message.path("fromMe") : id.path("fromMe")));
        columns.put("has_media", boolOrNull(message.path("hasMedia")));
        columns.put("has_quoted_msg", boolOrNull(message.path("hasQuotedMsg")));
        columns.put("ack", intOrNull(message.path("ack")));
        columns.put("raw_json", message.toString());
        return columns;
    }

    /** For message_ack: the message, with the event's own ack (data.ack) over the one inside the message. */
    public Map<String, Object> ack(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        Map<String, Object> columns = message(exchange);
        Integer ack = intOrNull(envelope.data().path("ack"));
        if (ack != null) {
            columns.put("ack", ack);
        }
        if (columns.get("ack") == null) {
            throw new IllegalArgumentException("message_ack carries no ack value");
        }
        return columns;
    }

    /** For call: the call in data.call. */
    public Map<String, Object> call(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        JsonNode call = required(envelope.data(), "call");
        String callId = textOrNull(call.path("id"));
        if (callId == null) {
            throw new IllegalArgumentException("data.call.id is missing");
        }
        Map<String, Object> columns = base(envelope);
        columns.put("call_id", callId);
        columns.put("from_id", textOrNull(call.path("from")));
        columns.put("is_video", boolOrNull(call.path("isVideo")));
        columns.put("is_group", boolOrNull(call.path("isGroup")));
        columns.put("call_timestamp", longOrNull(call.path("timestamp")));
        columns.put("raw_json", call.toString());
        return columns;
    }

    private static Map<String, Object> base(EventEnvelope envelope) {
        Map<String, Object> columns = new HashMap<>();
        columns.put("session_id", envelope.sessionId());
        columns.put("event_id", envelope.eventId());
        columns.put("received_at", envelope.receivedAt());
        return columns;
    }

    private static JsonNode required(JsonNode data, String field) {
        JsonNode node = data.path(field);
        if (!node.isObject()) {
            throw new IllegalArgumentException("data." + field + " is missing or not an object");
        }
        return node;
    }

    static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.isValueNode() ? node.asText() : node.toString();
    }

    static Long longOrNull(JsonNode node) {
        return node.isNumber() ? Long.valueOf(node.asLong()) : node.isTextual() && !node.asText().isBlank() ? parseLong(node.asText()) : null;
    }

    static Integer intOrNull(JsonNode node) {
        Long value = longOrNull(node);
        return value == null ? null : value.intValue();
    }

    static Boolean boolOrNull(JsonNode node) {
        return node.isBoolean() ? Boolean.valueOf(node.asBoolean()) : null;
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
