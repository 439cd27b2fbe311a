package dev.wagateway.outputs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Each output's state for operators: circuit (closed, open, half-open), events sent, failed attempts, dead
 * letters, queue depth. As metrics (wagateway.output.*, tag output) and as the "outputs" health component,
 * which is DOWN while any circuit is open.
 */
import dev.wagateway.shared.EventHeaders;

public class OutputStats implements HealthIndicator {

    private final OutputCatalog catalog;
    private final OutputRoutes routes;
    private final MeterRegistry meters;
    private final CamelContext camel;

    public OutputStats(OutputCatalog catalog, OutputRoutes routes, MeterRegistry meters, CamelContext camel) {
        this.catalog = catalog;
        this.routes = routes;
        this.meters = meters;
        this.camel = camel;
        for (OutputDefinition output : catalog.all()) {
            CircuitBreaker circuit = routes.circuit(output.name());
            Gauge.builder("wagateway.output.circuit.open", circuit, c -> c.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                    .tag("output", output.name()).description("1 while the output's circuit is open").register(meters);
            Gauge.builder("wagateway.output.queue.depth", this, s -> s.queueDepth(output))
                    .tag("output", output.name()).description("events waiting for the output").register(meters);
        }
    }

    /** After a successful delivery (routes/outputs.yaml). */
    public void sent(Exchange exchange) {
        counter("wagateway.output.sent", output(exchange)).increment();
    }

    /** Each failed attempt, before its retry (the dead-letter channel's onExceptionOccurred). */
    public void failed(String output) {
        counter("wagateway.output.failed", output).increment();
    }

    public void deadLettered(String output) {
        counter("wagateway.output.dead_lettered", output).increment();
    }

    @Override
    public Health health() {
        if (catalog.all().isEmpty()) {
            return Health.up().withDetail("outputs", "none configured").build();
        }
        boolean anyOpen = false;
        Map<String, Object> details = new LinkedHashMap<>();
        for (OutputDefinition output : catalog.all()) {
            CircuitBreaker.State state = routes.circuit(output.name()).getState();
            anyOpen |= state == CircuitBreaker.State.OPEN;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("circuit", state.name().toLowerCase().replace('_', '-'));
            d.put("sent", (long) counter("wagateway.output.sent", output.name()).count());
            d.put("failedAttempts", (long) counter("wagateway.output.failed", output.name()).count());
            d.put("deadLettered", (long) counter("wagateway.output.dead_lettered", output.name()).count());
            d.put("queued", queueDepth(output));
            details.put(output.name(), d);
        }
        return (anyOpen ? Health.down() : Health.up()).withDetails(details).build();
    }

    private double queueDepth(OutputDefinition output) {
        // The dispatcher's endpoint; until the first event is dispatched it does not exist and the queue is empty.
        BlockingQueue<Exchange> queue = camel.hasEndpoint(output.queueUri()) instanceof SedaEndpoint s ? s.getQueue() : null;
        return queue == null ? 0 : queue.size();
    }

    private Counter counter(String name, String output) {
        return meters.counter(name, "output", output);
    }

    static String output(Exchange exchange) {
        return exchange.getMessage().getHeader(EventHeaders.OUTPUT, String.class);
    }
}
