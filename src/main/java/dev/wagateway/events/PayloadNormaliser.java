package dev.wagateway.events;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.wagateway.shared.Digests;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventIds;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.PayloadFormat;
import dev.wagateway.shared.WebhookRejection;

/**
 * Parses the raw body once and turns any of the three payload formats into an {@link EventEnvelope}, applying
 * SPEC.md's rules: {@code event} or {@code dataType} names the event, {@code status} means
 * {@code auth_failure}, missing {@code data} is {@code {}}, the path's session id wins only when the payload
 * does not contradict it. The envelope becomes the message body.
 */
public class PayloadNormaliser implements Processor {

    private static final int MAX_NAME = 64;

    private final ObjectMapper mapper;

    public PayloadNormaliser() {
        // Media events carry whole files as one base64 string: lift Jackson's 20 MB string cap; the body size
        // limit already bounds the input.
        this.mapper = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build());
    }

    @Override
    public void process(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        String pathSessionId = exchange.getProperty(ExchangeProperties.PATH_SESSION_ID, String.class);
        String sourceIp = exchange.getProperty(ExchangeProperties.CLIENT_IP, String.class);
        EventEnvelope envelope = normalise(body, pathSessionId, sourceIp, exchange);
        exchange.setProperty(ExchangeProperties.ENVELOPE, envelope);
        exchange.getMessage().setBody(envelope);
    }

    public EventEnvelope normalise(byte[] body, String pathSessionId, String sourceIp) {
        return normalise(body, pathSessionId, sourceIp, null);
    }

    private EventEnvelope normalise(byte[] body, String pathSessionId, String sourceIp, Exchange exchange) {
        LargeMediaLocator.Range media = locateMedia(body);
        JsonNode root = parse(body, media != null);

        JsonNode eventNode = root.get("event");
        boolean namedByEvent = eventNode != null && !eventNode.isNull();
        if (!namedByEvent) {
            eventNode = root.get("dataType");
        }
        String event = eventName(eventNode);

        String sessionId;
        PayloadFormat format;
        JsonNode payloadSession = root.get("sessionId");
        if (pathSessionId != null) {
            if (!validSessionId(pathSessionId)) {
                throw WebhookRejection.badRequest("invalid_session_id",
                        "sessionId in the path must match ^[A-Za-z0-9_-]{1,64}$");
            }
            if (payloadSession != null && !payloadSession.isNull()
                    && !(payloadSession.isTextual() && payloadSession.asText().equals(pathSessionId))) {
                throw WebhookRejection.badRequest("session_mismatch",
                        "sessionId in the payload differs from the sessionId in the path");
            }
            sessionId = pathSessionId;
            format = PayloadFormat.PATH;
        } else {
            if (payloadSession == null || payloadSession.isNull()
                    || (payloadSession.isTextual() && payloadSession.asText().isEmpty())) {
                throw WebhookRejection.badRequest("missing_session_id",
                        "the payload has no sessionId; send it in the body or use /api/whatsapp/webhook/{sessionId}");
            }
            if (!payloadSession.isTextual() || !validSessionId(payloadSession.asText())) {
                throw WebhookRejection.badRequest("invalid_session_id", "sessionId must match ^[A-Za-z0-9_-]{1,64}$");
            }
            sessionId = payloadSession.asText();
            format = namedByEvent ? PayloadFormat.UNIVERSAL : PayloadFormat.WHATSAPP_API;
        }

        if (media != null && !"media".equals(event)) {
            // Not a media event after all: nothing may be left out of its data.
            root = parse(body, false);
            media = null;
        }
        if (media != null && exchange != null) {
            exchange.setProperty(ExchangeProperties.MEDIA_BASE64, media.view(body));
        }
        JsonNode data = root.get("data");
        if (data == null || data.isNull()) {
            data = JsonNodeFactory.instance.objectNode();
        }
        return new EventEnvelope(EventIds.next(), sessionId, event, data,
                OffsetDateTime.now(ZoneOffset.UTC), format, sourceIp, Digests.sha256Hex(body));
    }

    private LargeMediaLocator.Range locateMedia(byte[] body) {
        if (body == null) {
            return null;
        }
        try {
            return LargeMediaLocator.locate(mapper, body);
        } catch (IOException e) {
            return null; // not valid JSON: the full parse says so
        }
    }

    private JsonNode parse(byte[] body, boolean withoutMedia) {
        if (body == null || body.length == 0) {
            throw WebhookRejection.badRequest("invalid_json", "the request body is empty");
        }
        JsonNode root;
        try {
            root = withoutMedia ? LargeMediaLocator.readWithout(mapper, body) : mapper.readTree(body);
        } catch (IOException e) {
            // Jackson's message quotes the input; say only where it broke.
            throw WebhookRejection.badRequest("invalid_json", "the request body is not valid JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw WebhookRejection.badRequest("invalid_json", "the request body is empty");
        }
        if (!(root instanceof ObjectNode)) {
            throw WebhookRejection.badRequest("invalid_json", "the request body must be a JSON object");
        }
        return root;
    }

    private static String eventName(JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty())) {
            throw WebhookRejection.badRequest("missing_event", "the payload names no event (event or dataType)");
        }
        if (!node.isTextual() || !validEventName(node.asText())) {
            throw WebhookRejection.badRequest("invalid_event", "the event name must match ^[a-z_]{1,64}$");
        }
        String name = node.asText();
        // The stock server reports an authentication failure as dataType "status".
        return "status".equals(name) ? "auth_failure" : name;
    }

    public static boolean validSessionId(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public static boolean validEventName(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
