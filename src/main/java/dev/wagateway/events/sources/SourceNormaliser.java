package dev.wagateway.events.sources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.events.PayloadNormaliser;
import dev.wagateway.shared.Digests;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventIds;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.PayloadFormat;
import dev.wagateway.shared.WebhookRejection;

/**
 * The {@code sourceNormaliser} step of routes/sources.yaml: parses the raw body once, hands it to the
 * {@link SourceMapper} of the endpoint's source and checks what comes back by the whatsapp-web.js webhook's rules
 * (session id and event name patterns), so a source's event is stored and routed exactly like one of ours.
 * <p>
 * Each event gets its own envelope and id. Its {@code bodySha256} is the body's when the delivery holds one
 * event (the body-identical repeat rule then works as on the webhook); when it holds several, it is the hash of
 * that event's own data, or the session's second event would look like a repeat of its first.
 */
public class SourceNormaliser implements Processor {

    private static final Logger log = LoggerFactory.getLogger(SourceNormaliser.class);

    private final Map<String, SourceMapper> bySource = new HashMap<>();
    private final ObjectMapper json = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    public SourceNormaliser(List<SourceMapper> mappers) {
        for (SourceMapper m : mappers) {
            if (bySource.put(m.source(), m) != null) {
                throw new IllegalStateException("two mappers for source " + m.source());
            }
        }
    }

    /** Whether a mapper for this source exists (its endpoint is otherwise off). */
    public boolean maps(String source) {
        return bySource.containsKey(source);
    }

    @Override
    public void process(Exchange exchange) {
        List<SourceDelivery> events = normalise(exchange.getProperty(ExchangeProperties.SOURCE, String.class),
                exchange.getMessage().getBody(byte[].class),
                exchange.getProperty(ExchangeProperties.PATH_SESSION_ID, String.class),
                exchange.getProperty(ExchangeProperties.PATH_EVENT, String.class),
                exchange.getProperty(ExchangeProperties.CLIENT_IP, String.class));
        exchange.setProperty(ExchangeProperties.SOURCE_EVENTS, events);
        exchange.setProperty(ExchangeProperties.ENVELOPE, events.get(0).envelope());
    }

    /** The delivery's events as envelopes, in the source's order; a 400 WebhookRejection for a body of another shape. */
    public List<SourceDelivery> normalise(String source, byte[] body, String pathSessionId, String pathEvent,
            String sourceIp) {
        SourceMapper mapper = bySource.get(source);
        if (mapper == null) {
            throw new IllegalStateException("no mapper for source " + source + " (sourceGate first)");
        }
        if (pathSessionId != null && !PayloadNormaliser.validSessionId(pathSessionId)) {
            throw WebhookRejection.badRequest("invalid_session_id", "sessionId in the path must match ^[A-Za-z0-9_-]{1,64}$");
        }
        JsonNode root = parse(body);
        List<SourceEvent> mapped;
        try {
            mapped = mapper.map(root, pathSessionId, pathEvent);
        } catch (WebhookRejection e) {
            throw e;
        } catch (RuntimeException e) {
            // A shape the mapper did not foresee is the body's fault, not the gateway's: 400, nothing stored.
            log.debug("{} delivery not mapped: {}", source, e.toString());
            throw invalidPayload(source);
        }
        if (mapped == null || mapped.isEmpty()) {
            throw WebhookRejection.badRequest("invalid_payload", "the " + source + " delivery carries no event");
        }
        OffsetDateTime receivedAt = OffsetDateTime.now(ZoneOffset.UTC);
        String bodySha256 = Digests.sha256Hex(body);
        List<SourceDelivery> out = new ArrayList<>(mapped.size());
        for (SourceEvent e : mapped) {
            if (e.sessionId() == null || !PayloadNormaliser.validSessionId(e.sessionId())) {
                throw WebhookRejection.badRequest("invalid_session_id",
                        "the " + source + " delivery names no session matching ^[A-Za-z0-9_-]{1,64}$");
            }
            if (e.event() == null || !PayloadNormaliser.validEventName(e.event())) {
                throw WebhookRejection.badRequest("invalid_event", "the event name must match ^[a-z_]{1,64}$");
            }
            JsonNode data = e.data() == null || e.data().isNull() ? JsonNodeFactory.instance.objectNode() : e.data();
            String sha = mapped.size() == 1 ? bodySha256
                    : Digests.sha256Hex((e.event() + "\n" + data).getBytes(StandardCharsets.UTF_8));
            out.add(new SourceDelivery(new EventEnvelope(EventIds.next(), e.sessionId(), e.event(), data,
                    receivedAt, PayloadFormat.SOURCE, sourceIp, sha, mapper.source()), e.deliveryId()));
        }
        return out;
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw WebhookRejection.badRequest("invalid_json", "the request body is empty");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            throw WebhookRejection.badRequest("invalid_json", "the request body is not valid JSON");
        }
        if (!(root instanceof ObjectNode)) {
            throw WebhookRejection.badRequest("invalid_json", "the request body must be a JSON object");
        }
        return root;
    }

    /** 400 for a body that parses but is not the source's webhook shape. */
    public static WebhookRejection invalidPayload(String source) {
        return WebhookRejection.badRequest("invalid_payload", "the body is not a " + source + " webhook delivery");
    }
}
