package dev.wagateway.outputs;

import java.util.Map;
import java.util.Set;

/**
 * One configured output: its name (unique), the route template that delivers to it (routes/outputs.yaml; null for
 * a custom output whose direct:deliver-<name> route is written in YAML by hand), the events it wants (empty =
 * all), the template parameters and how many of a session's events one delivery may carry (HTTP batches; 1 = one
 * event per delivery), its own retry schedule (null = the delivery defaults) and whether a waiting delivery holds
 * back its session's later ones ({@code order: session}, true) or not ({@code order: none}), and after how long
 * of failing every attempt it is disabled ({@code disable-after}).
 */
public record OutputDefinition(String name, String template, Set<String> events, Map<String, Object> parameters,
        int batchSize, RetryPolicy retry, boolean ordered, DisablePolicy disable) {

    public OutputDefinition(String name, String template, Set<String> events, Map<String, Object> parameters,
            int batchSize) {
        this(name, template, events, parameters, batchSize, null, true, DisablePolicy.DEFAULT);
    }

    public OutputDefinition {
        if (batchSize < 1) {
            throw new IllegalArgumentException("output " + name + ": batch-size must be at least 1");
        }
    }

    /** Deliveries carry a JSON array of envelopes (even of one) rather than one envelope. */
    public boolean batched() {
        return batchSize > 1;
    }

    public boolean wants(String event) {
        return events.isEmpty() || events.contains(event);
    }

    /** The output's delivery route (routes/outputs.yaml, or the engineer's own for a custom output). */
    public String deliveryUri() {
        return "direct:deliver-" + name;
    }

    public String routeId() {
        return "output-" + name;
    }

    public String circuitBreakerBean() {
        return (String) parameters.get("circuitBreaker");
    }

    /** The threads an attempt runs on while the time limiter waits for it: this output's own. */
    public String timeoutExecutorBean() {
        return (String) parameters.get("timeoutExecutor");
    }
}
