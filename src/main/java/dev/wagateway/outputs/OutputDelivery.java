package dev.wagateway.outputs;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventHeaders;
import dev.wagateway.shared.EventTracing;
import dev.wagateway.shared.ExchangeProperties;

/**
 * One attempt to hand an event to an output: through the output's delivery route in routes/outputs.yaml
 * ({@code direct:deliver-<name>}: its message, its circuit breaker and time limit, its component), waiting for
 * the outcome. Retries, backoff and dead letters are the caller's (the outbox workers, a replay).
 */
class OutputDelivery {

    /** Exchange property holding the events of a batched delivery (a List of EventEnvelope, one session, in order). */
    public static final String BATCH = "wagatewayBatch";

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final EventTracing tracing;

    public OutputDelivery(CamelContext camel, ProducerTemplate producer, EventTracing tracing) {
        this.camel = camel;
        this.producer = producer;
        this.tracing = tracing;
    }

    /** Null when the output took the event; else what failed. */
    public Exception attempt(OutputDefinition output, EventEnvelope envelope) {
        return attempt(output, List.of(envelope));
    }

    /**
     * Null when the output took the events; else what failed (then none counts as delivered). More than one only
     * for a batched output, whose delivery carries them all at once, the first event's headers on the exchange.
     */
    public Exception attempt(OutputDefinition output, List<EventEnvelope> events) {
        if (events.size() > output.batchSize()) {
            throw new IllegalArgumentException("output " + output.name() + " takes at most " + output.batchSize() + " per delivery");
        }
        Exchange exchange = eventExchange(camel, events.get(0), output.name());
        if (output.batched()) {
            exchange.setProperty(BATCH, List.copyOf(events));
        }
        carryTrace(output, exchange);
        try {
            producer.send(output.deliveryUri(), exchange);
        } catch (RuntimeException e) {
            return e;
        }
        return exchange.getException();
    }

    /**
     * The attempt's span (current while the outbox workers make it) goes along as {@code traceparent} (and
     * {@code tracestate}): an HTTP request header, a Kafka record header, a RabbitMQ message header, so the
     * receiver's own spans join the event's trace. Not on e-mails; nothing when tracing is off or no span is
     * current (a dead letter's replay).
     */
    private void carryTrace(OutputDefinition output, Exchange exchange) {
        if (!tracing.on() || "mail-delivery".equals(output.template())) {
            return;
        }
        Map<String, String> headers = tracing.currentHeaders();
        String traceparent = headers.get(EventTracing.TRACEPARENT);
        if (traceparent != null) {
            exchange.getMessage().setHeader(EventTracing.TRACEPARENT, traceparent);
            String state = headers.get(EventTracing.TRACESTATE);
            if (state != null && !state.isEmpty()) {
                exchange.getMessage().setHeader(EventTracing.TRACESTATE, state);
            }
        }
    }

    /**
     * A fresh exchange carrying an event to an output, as the delivery routes expect it. In-only: the call through
     * direct: is synchronous anyway, and an in-out exchange would make messaging components (RabbitMQ) wait for a
     * reply no consumer sends.
     */
    static Exchange eventExchange(CamelContext camel, EventEnvelope envelope, String output) {
        Exchange exchange = new DefaultExchange(camel, ExchangePattern.InOnly);
        exchange.setProperty(ExchangeProperties.ENVELOPE, envelope);
        EventHeaders.carry(exchange.getMessage(), envelope);
        exchange.getMessage().setHeader(EventHeaders.OUTPUT, output);
        return exchange;
    }

    /** Attempt {@code n} (1-based) failed: how long before the next, doubling from {@code first}. */
    static Duration backoff(Duration first, int n) {
        return first.multipliedBy(1L << Math.min(Math.max(n - 1, 0), 16));
    }

    /** The output's circuit breaker refused the call: the output was not tried at all. */
    static boolean refusedByOpenCircuit(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CallNotPermittedException) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
