package dev.wagateway.api;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.wagateway.outputs.OutputCatalog;
import dev.wagateway.outputs.OutputDefinition;
import dev.wagateway.outputs.OutputStats;
import dev.wagateway.store.DeadLetters;
import dev.wagateway.store.Outbox;

/**
 * GET outputs: each configured output as an operator watches it. Circuit state and the counts since this instance
 * started (sent, failed attempts, dead-lettered) come from OutputStats, the same figures as the "outputs" health
 * component and the wagateway.output.* metrics; the backlog, the oldest waiting delivery and the dead letters still
 * pending come from the database, so they are the same on every instance.
 */
class OutputsApi {

    private final OutputCatalog catalog;
    private final OutputStats stats;
    private final DeadLetters deadLetters;

    public OutputsApi(OutputCatalog catalog, OutputStats stats, DeadLetters deadLetters) {
        this.catalog = catalog;
        this.stats = stats;
        this.deadLetters = deadLetters;
    }

    public void list(Exchange exchange) {
        Map<String, Object> health = stats.health().getDetails();
        Map<String, Long> pending = deadLetters.pendingCounts();
        ArrayNode items = ApiSupport.mapper.createArrayNode();
        OffsetDateTime now = OffsetDateTime.now();
        for (OutputDefinition output : catalog.all()) {
            Map<?, ?> figures = health.get(output.name()) instanceof Map<?, ?> m ? m : Map.of();
            Outbox.Backlog backlog = stats.backlog(output.name());
            ObjectNode item = items.addObject().put("name", output.name()).put("type", output.template())
                    .put("circuit", String.valueOf(figures.get("circuit")))
                    .put("sent", number(figures.get("sent")))
                    .put("failedAttempts", number(figures.get("failedAttempts")))
                    .put("deadLettered", number(figures.get("deadLettered")))
                    .put("pendingDeadLetters", pending.getOrDefault(output.name(), 0L))
                    .put("backlog", backlog.waiting());
            if (backlog.oldest() == null) {
                item.putNull("oldestWaiting").put("oldestWaitingSeconds", 0);
            } else {
                item.put("oldestWaiting", backlog.oldest().toInstant().toString()).put("oldestWaitingSeconds",
                        Math.max(0, Duration.between(backlog.oldest(), now).toSeconds()));
            }
        }
        ObjectNode body = ApiSupport.mapper.createObjectNode();
        body.set("items", items);
        ApiSupport.writeJson(exchange, 200, body);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
