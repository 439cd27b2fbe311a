package dev.wagateway.events.sources;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** Maps one source's webhook delivery to the gateway's events (the names routes/router.yaml routes). */
public interface SourceMapper {
    /** The name stored on each event (column/envelope field `source`): "wwebjs", "cloud", "waha", "evolution". */
    String source();
    /**
     * The events one delivery carries, in order (the Cloud API batches several). pathSessionId / pathEvent come
     * from the URL when the source's URL style has them (null otherwise). Throws
     * dev.wagateway.shared.WebhookRejection (400, our JSON error) on a body that is not that source's shape.
     */
    List<SourceEvent> map(JsonNode body, String pathSessionId, String pathEvent);
}
