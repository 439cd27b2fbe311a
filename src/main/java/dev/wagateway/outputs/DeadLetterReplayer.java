package dev.wagateway.outputs;

import java.time.OffsetDateTime;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;

import dev.wagateway.shared.EnvelopeJson;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventHeaders;
import dev.wagateway.store.DeadLetters;

/**
 * Re-sends dead letters through their output's route (same queue, same circuit breaker, same retries) and
 * waits for the outcome: delivered marks the dead letter resolved; failed again adds the attempts to it.
 */
public class DeadLetterReplayer {

    private final DeadLetters deadLetters;
    private final OutputCatalog catalog;
    private final OutputDispatcher dispatcher;
    private final CamelContext camel;

    public DeadLetterReplayer(DeadLetters deadLetters, OutputCatalog catalog, OutputDispatcher dispatcher, CamelContext camel) {
        this.deadLetters = deadLetters;
        this.catalog = catalog;
        this.dispatcher = dispatcher;
        this.camel = camel;
    }

    /** The outcome of one replay. */
    public record Outcome(String id, String status, String error) {
        public boolean delivered() {
            return "resolved".equals(status);
        }
    }

    /** Summary of a bulk replay. */
    public record Summary(int attempted, int delivered, int failed) {
    }

    /** Replays one dead letter; null when there is none with that id. */
    public Outcome replay(String id) {
        Map<String, Object> row = deadLetters.find(id).orElse(null);
        if (row == null) {
            return null;
        }
        if ("resolved".equals(row.get("status"))) {
            return new Outcome(id, "resolved", null);
        }
        String outputName = (String) row.get("output");
        OutputDefinition output = catalog.byName(outputName).orElse(null);
        if (output == null) {
            return new Outcome(id, "pending", "output " + outputName + " is not configured");
        }
        int attemptsBefore = ((Number) row.get("attempts")).intValue();
        EventEnvelope envelope = EnvelopeJson.read((String) row.get("envelope_json"));
        Exchange exchange = OutputDispatcher.eventExchange(camel, envelope, outputName, ExchangePattern.InOut);
        exchange.getMessage().setHeader(EventHeaders.DEAD_LETTER_ID, id);
        dispatcher.producer().send(output.queueUriAwaitingOutcome(), exchange);

        Map<String, Object> after = deadLetters.find(id).orElseThrow();
        boolean failedAgain = ((Number) after.get("attempts")).intValue() > attemptsBefore || exchange.getException() != null;
        if (failedAgain) {
            String error = exchange.getException() != null ? exchange.getException().getMessage() : (String) after.get("error");
            return new Outcome(id, "pending", error);
        }
        deadLetters.resolve(id);
        return new Outcome(id, "resolved", null);
    }

    /** Replays the pending dead letters of one output (or all) created within [from, to), oldest first. */
    public Summary replayPending(String output, OffsetDateTime from, OffsetDateTime to, int limit) {
        int delivered = 0;
        int failed = 0;
        for (String id : deadLetters.pendingIds(output, from, to, limit)) {
            Outcome outcome = replay(id);
            if (outcome != null && outcome.delivered()) {
                delivered++;
            } else {
                failed++;
            }
        }
        return new Summary(delivered + failed, delivered, failed);
    }

    /** For the scheduled retry route. */
    public Summary retryPending() {
        return replayPending(null, null, null, catalog.config().getDeadLetters().getAutoRetryBatch());
    }
}
