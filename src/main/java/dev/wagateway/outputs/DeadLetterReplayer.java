package dev.wagateway.outputs;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import dev.wagateway.shared.EnvelopeJson;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventTracing;
import dev.wagateway.store.DeadLetters;
import dev.wagateway.store.JobLock;

/**
 * Re-sends dead letters through their output's delivery route (same circuit breaker and time limit, the same
 * retries with backoff) and waits for the outcome: delivered marks the dead letter resolved; failed again adds
 * the attempts to it. A replayed event reaches the output after the session's later events did.
 */
public class DeadLetterReplayer {

    private final DeadLetters deadLetters;
    private final OutputCatalog catalog;
    private final OutputDelivery delivery;
    private final OutputStats stats;
    private final JobLock lock;
    private final FailingEndpoints failing;
    private final EventTracing tracing;

    public DeadLetterReplayer(DeadLetters deadLetters, OutputCatalog catalog, OutputDelivery delivery, OutputStats stats,
            JobLock lock, FailingEndpoints failing, EventTracing tracing) {
        this.deadLetters = deadLetters;
        this.tracing = tracing;
        this.failing = failing;
        this.lock = lock;
        this.catalog = catalog;
        this.delivery = delivery;
        this.stats = stats;
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

    /** The scheduled retry passed over it: its output is disabled for failing. */
    private static final Outcome SKIPPED = new Outcome("", "pending", "output disabled");

    /** Replays one dead letter; null when there is none with that id. */
    public Outcome replay(String id) {
        return replay(id, false);
    }

    /** {@code skipDisabled}: not when its output is disabled for failing ({@link #SKIPPED}). */
    private Outcome replay(String id, boolean skipDisabled) {
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
        if (skipDisabled && failing.disabled(outputName)) {
            return SKIPPED;
        }
        EventEnvelope envelope = EnvelopeJson.read((String) row.get("envelope_json"));
        int retries = catalog.config().getDelivery().getRetries();
        Duration retryDelay = catalog.config().getDelivery().getRetryDelay();
        Exception failure = null;
        String traceparent = (String) row.get("traceparent");
        for (int attempt = 1; attempt <= retries + 1; attempt++) {
            Span span = replaySpan(output, envelope, id, traceparent, attempt);
            try (Tracer.SpanInScope scope = tracing.tracer().withSpan(span)) {
                failure = delivery.attempt(output, envelope);
            }
            span.tag(EventTracing.OUTCOME, failure == null ? "delivered" : "retry");
            if (failure != null) {
                span.error(failure);
            }
            span.end();
            if (failure == null) {
                stats.sent(outputName, 1);
                deadLetters.resolve(id);
                return new Outcome(id, "resolved", null);
            }
            stats.failed(outputName);
            if (attempt <= retries && !sleep(OutputDelivery.backoff(retryDelay, attempt))) {
                break;
            }
        }
        String error = OutputDelivery.describe(failure);
        deadLetters.record(envelope, outputName, error, retries + 1, id);
        return new Outcome(id, "pending", error);
    }

    /**
     * A replay attempt's span, in the event's trace (continued from the traceparent the dead letter kept) like the
     * outbox's attempts, tagged with the dead letter's id; its context goes to the output as traceparent.
     */
    private Span replaySpan(OutputDefinition output, EventEnvelope envelope, String deadLetterId, String traceparent,
            int attempt) {
        if (!tracing.on()) {
            return Span.NOOP;
        }
        return tracing.continueFrom(traceparent).name("deliver " + output.name()).kind(Span.Kind.PRODUCER)
                .tag(EventTracing.OUTPUT, output.name())
                .tag(EventTracing.ATTEMPT, String.valueOf(attempt))
                .tag(EventTracing.EVENT_ID, envelope.eventId())
                .tag(EventTracing.SESSION, envelope.sessionId())
                .tag(EventTracing.EVENT_TYPE, envelope.event())
                .tag(EventTracing.DEAD_LETTER_ID, deadLetterId)
                .start();
    }

    /** Replays the pending dead letters of one output (or all) created within [from, to), oldest first. */
    public Summary replayPending(String output, OffsetDateTime from, OffsetDateTime to, int limit) {
        return replayPending(output, from, to, limit, false);
    }

    private Summary replayPending(String output, OffsetDateTime from, OffsetDateTime to, int limit, boolean skipDisabled) {
        int delivered = 0;
        int failed = 0;
        for (String id : deadLetters.pendingIds(output, from, to, limit)) {
            Outcome outcome = replay(id, skipDisabled);
            if (outcome == SKIPPED) {
                continue;
            }
            if (outcome != null && outcome.delivered()) {
                delivered++;
            } else {
                failed++;
            }
        }
        return new Summary(delivered + failed, delivered, failed);
    }

    /**
     * For the scheduled retry route, which every instance runs: one replays at a time, so no dead letter is sent
     * twice by two instances retrying it at once. Another instance's run in progress means nothing to do here.
     * An output disabled for failing is passed over: nothing is sent to it until an admin enables it (a replay
     * asked for by hand still goes).
     */
    public Summary retryPending() {
        return lock.runAlone("dead-letter-auto-retry",
                () -> replayPending(null, null, null, catalog.config().getDeadLetters().getAutoRetryBatch(), true))
                .orElse(new Summary(0, 0, 0));
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
