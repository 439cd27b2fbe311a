package dev.wagateway.shared;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

/**
 * One trace per event (docs/operating.md, "Tracing"): the intake's span of storing an event, its routing and the
 * outputs' attempts share it, across the outbox, by the W3C {@code traceparent} kept on each delivery row. With
 * tracing off (no OTLP endpoint: no tracer is configured) this is {@link #OFF}, whose spans are no-ops and which
 * writes no traceparent anywhere.
 */
public final class EventTracing {

    /** The W3C header and outbox column: {@code 00-<trace id>-<span id>-<flags>}. */
    public static final String TRACEPARENT = "traceparent";
    /** Its companion header (vendor data), sent along when the trace carries any. */
    public static final String TRACESTATE = "tracestate";

    /** Span tags, one vocabulary for every span the gateway makes. */
    public static final String EVENT_ID = "wagateway.event.id";
    public static final String EVENT_TYPE = "wagateway.event.type";
    public static final String SESSION = "wagateway.session.id";
    public static final String SOURCE = "wagateway.source";
    public static final String OUTPUT = "wagateway.output";
    public static final String ATTEMPT = "wagateway.attempt";
    public static final String OUTCOME = "wagateway.outcome";
    public static final String BATCH_SIZE = "wagateway.batch.size";
    /** On a replay's attempt spans: the dead letter being replayed. */
    public static final String DEAD_LETTER_ID = "wagateway.dead_letter.id";

    public static final EventTracing OFF = new EventTracing(Tracer.NOOP, Propagator.NOOP);

    private final Tracer tracer;
    private final Propagator propagator;

    private EventTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Spring Boot's tracer and propagator when tracing is on; {@link #OFF} when there are none (either null). */
    public static EventTracing of(Tracer tracer, Propagator propagator) {
        return tracer == null || propagator == null || tracer == Tracer.NOOP ? OFF : new EventTracing(tracer, propagator);
    }

    public Tracer tracer() {
        return tracer;
    }

    public boolean on() {
        return this != OFF;
    }

    /** The span's context as a W3C traceparent, or null (tracing off). */
    public String traceparent(Span span) {
        if (!on()) {
            return null;
        }
        return inject(span.context()).get(TRACEPARENT);
    }

    /** A span continuing the trace of {@code traceparent}; a new trace when it is null (a row from before tracing). */
    public Span.Builder continueFrom(String traceparent) {
        if (!on()) {
            return Span.Builder.NOOP;
        }
        return propagator.extract(traceparent == null ? Map.<String, String>of() : Map.of(TRACEPARENT, traceparent),
                Map::get);
    }

    /** The headers that carry the current span's trace to a receiver (none when tracing is off or no span is current). */
    public Map<String, String> currentHeaders() {
        if (!on()) {
            return Map.of();
        }
        TraceContext current = tracer.currentTraceContext().context();
        return current == null ? Map.of() : inject(current);
    }

    private Map<String, String> inject(TraceContext context) {
        Map<String, String> headers = new HashMap<>(4);
        propagator.inject(context, headers, Map::put);
        return headers;
    }
}
