package dev.wagateway.api;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.wagateway.outputs.FailingEndpoints;
import dev.wagateway.outputs.OutputCatalog;
import dev.wagateway.outputs.OutputDefinition;
import dev.wagateway.outputs.OutputStats;
import dev.wagateway.store.DeadLetters;
import dev.wagateway.store.Outbox;
import dev.wagateway.store.OutputHealth;

/**
 * GET outputs: each configured output as an operator watches it. Circuit state and the counts since this instance
 * started (sent, failed attempts, dead-lettered) come from OutputStats, the same figures as the "outputs" health
 * component and the wagateway.output.* metrics; the backlog, the oldest waiting delivery and the dead letters still
 * pending come from the database, so they are the same on every instance, as do its state (enabled, or disabled
 * for failing every attempt for its disable-after) and its failure clock. POST outputs/{output}/enable switches a
 * disabled output on again.
 */
class OutputsApi {

    private final OutputCatalog catalog;
    private final OutputStats stats;
    private final DeadLetters deadLetters;
    private final FailingEndpoints failing;

    public OutputsApi(OutputCatalog catalog, OutputStats stats, DeadLetters deadLetters, FailingEndpoints failing) {
        this.catalog = catalog;
        this.stats = stats;
        this.deadLetters = deadLetters;
        this.failing = failing;
    }

    public void list(Exchange exchange) {
        Map<String, Object> health = stats.health().getDetails();
        Map<String, Long> pending = deadLetters.pendingCounts();
        Map<String, OutputHealth.State> states = failing.states();
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
            OutputHealth.State state = states.get(output.name());
            boolean disabled = state != null && state.disabled();
            item.put("state", disabled ? "disabled" : "enabled")
                    .put("disableAfterSeconds", output.disable().after().toSeconds());
            time(item, "disabledAt", state == null ? null : state.disabledAt());
            item.put("disabledReason", state == null ? null : state.disabledReason());
            time(item, "failingSince", state == null ? null : state.failingSince());
            time(item, "lastFailureAt", state == null ? null : state.lastFailureAt());
            item.put("lastError", state == null ? null : state.lastError());
            time(item, "lastSuccessAt", state == null ? null : state.lastSuccessAt());
        }
        ObjectNode body = ApiSupport.mapper.createObjectNode();
        body.set("items", items);
        ApiSupport.writeJson(exchange, 200, body);
    }

    /**
     * POST outputs/{output}/enable: the output is on again, its failure clock starts from nothing and its waiting
     * deliveries go out now, each session's in order. 200 also when it was not disabled (the clock is reset all
     * the same); 404 for an output that is not configured.
     */
    public void enable(Exchange exchange) {
        String name = ApiSupport.pathParameter(exchange, "output", "invalid_output");
        boolean was = failing.enable(name)
                .orElseThrow(() -> ApiError.notFound("output_not_found", "no such output is configured"));
        ApiSupport.writeJson(exchange, 200, ApiSupport.mapper.createObjectNode().put("success", true)
                .put("output", name).put("state", "enabled").put("wasDisabled", was)
                .put("backlog", stats.backlog(name).waiting()));
    }

    private static void time(ObjectNode item, String field, OffsetDateTime at) {
        if (at == null) {
            item.putNull(field);
        } else {
            item.put(field, at.toInstant().toString());
        }
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }
}
