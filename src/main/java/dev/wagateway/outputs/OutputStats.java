package dev.wagateway.outputs;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.wagateway.store.Outbox;

/**
 * Each output's state for operators: circuit (closed, open, half-open), events sent, failed attempts, dead
 * letters, its lag: deliveries waiting in the outbox and the age of the oldest, and whether it is disabled for
 * failing. As metrics (wagateway.output.*, tag output) and as the "outputs" health component, which is DOWN while
 * any circuit is open (a disabled output shows in its details; it waits for an operator, not for time).
 */
public class OutputStats implements HealthIndicator {

    /** The backlog is read from the database at most this often, however often metrics are scraped. */
    private static final Duration BACKLOG_FRESHNESS = Duration.ofSeconds(2);

    private final OutputCatalog catalog;
    private final OutputRoutes routes;
    private final MeterRegistry meters;
    private final Outbox outbox;
    private final FailingEndpoints failing;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile Map<String, Outbox.Backlog> backlog = Map.of();
    private volatile long backlogReadAt;

    public OutputStats(OutputCatalog catalog, OutputRoutes routes, MeterRegistry meters, Outbox outbox,
            FailingEndpoints failing) {
        this.catalog = catalog;
        this.failing = failing;
        this.routes = routes;
        this.meters = meters;
        this.outbox = outbox;
        for (OutputDefinition output : catalog.all()) {
            CircuitBreaker circuit = routes.circuit(output.name());
            Gauge.builder("wagateway.output.circuit.open", circuit, c -> c.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                    .tag("output", output.name()).description("1 while the output's circuit is open").register(meters);
            Gauge.builder("wagateway.output.disabled", failing, f -> f.disabled(output.name()) ? 1 : 0)
                    .tag("output", output.name())
                    .description("1 while the output is disabled for failing every attempt for its disable-after")
                    .register(meters);
            Gauge.builder("wagateway.output.backlog", this, s -> s.backlog(output.name()).waiting())
                    .tag("output", output.name()).description("deliveries waiting in the outbox").register(meters);
            Gauge.builder("wagateway.output.backlog.oldest.seconds", this, s -> s.oldestAgeSeconds(output.name()))
                    .tag("output", output.name()).description("age of the oldest waiting delivery (0 when none)")
                    .register(meters);
        }
    }

    /** After deliveries the output took: events, not requests (a batch counts each of its events). */
    public void sent(String output, int events) {
        counter("wagateway.output.sent", output).increment(events);
    }

    /** Each failed attempt, before its retry. */
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
            d.put("state", failing.disabled(output.name()) ? "disabled" : "enabled");
            d.put("sent", (long) counter("wagateway.output.sent", output.name()).count());
            d.put("failedAttempts", (long) counter("wagateway.output.failed", output.name()).count());
            d.put("deadLettered", (long) counter("wagateway.output.dead_lettered", output.name()).count());
            d.put("backlog", backlog(output.name()).waiting());
            d.put("oldestWaitingSeconds", (long) oldestAgeSeconds(output.name()));
            details.put(output.name(), d);
        }
        return (anyOpen ? Health.down() : Health.up()).withDetails(details).build();
    }

    /** Deliveries waiting for the output, as last read from the outbox. */
    public Outbox.Backlog backlog(String output) {
        long now = System.nanoTime();
        if (now - backlogReadAt > BACKLOG_FRESHNESS.toNanos()) {
            try {
                backlog = outbox.backlog();
            } catch (RuntimeException e) {
                // The database is away: the last reading stands (health shows the database itself as DOWN).
            }
            backlogReadAt = now;
        }
        return backlog.getOrDefault(output, new Outbox.Backlog(0, null));
    }

    private double oldestAgeSeconds(String output) {
        OffsetDateTime oldest = backlog(output).oldest();
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, OffsetDateTime.now()).toMillis() / 1000.0);
    }

    /** Looked up in the registry once per output and name: sent() runs on every delivery. */
    private Counter counter(String name, String output) {
        return counters.computeIfAbsent(name + '\n' + output, key -> meters.counter(name, "output", output));
    }
}
