package dev.wagateway.outputs;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried again: either today's {@code retries} with exponential backoff from
 * {@code retry-delay} (gateway.outputs.delivery), or an output's own {@code retry-schedule}, one delay per retry,
 * each moved by up to ±{@code retry-jitter} of itself so that deliveries that failed together do not all come back
 * in the same second.
 */
public final class RetryPolicy {

    private final List<Duration> steps;
    private final Duration first;
    private final int retries;
    private final double jitter;

    private RetryPolicy(List<Duration> steps, Duration first, int retries, double jitter) {
        this.steps = steps;
        this.first = first;
        this.retries = retries;
        this.jitter = jitter;
    }

    /** {@code retries} retries, the n-th after {@code first} x 2^(n-1), no jitter (the delivery defaults). */
    static RetryPolicy backoff(int retries, Duration first) {
        return new RetryPolicy(null, first, retries, 0);
    }

    /**
     * One retry per step, the n-th {@code steps[n-1]} ± {@code jitter} x itself after the n-th failure. Refused,
     * naming {@code setting}, when a step is missing, zero or negative, or the jitter is outside [0, 1).
     */
    static RetryPolicy schedule(String setting, List<Duration> steps, double jitter) {
        if (steps == null || steps.isEmpty()) {
            throw new IllegalArgumentException(setting + ".retry-schedule must list at least one duration");
        }
        for (int i = 0; i < steps.size(); i++) {
            Duration step = steps.get(i);
            if (step == null || step.isZero() || step.isNegative()) {
                throw new IllegalArgumentException(setting + ".retry-schedule[" + i + "] must be a positive duration"
                        + " (such as 5s, 30m, 2h), not " + (step == null ? "empty" : "'" + step + "'"));
            }
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException(setting + ".retry-jitter must be at least 0 and below 1 (0.1 = ±10%), not "
                    + jitter);
        }
        return new RetryPolicy(List.copyOf(steps), null, steps.size(), jitter);
    }

    /** Attempts after the first. */
    int retries() {
        return retries;
    }

    /**
     * How long after its {@code failed}-th failed attempt (1 for the first) a delivery is tried again, or null when
     * that was its last and it becomes a dead letter. {@code random} gives a number in [0, 1) for the jitter.
     */
    Duration delayAfter(int failed, DoubleSupplier random) {
        if (failed < 1 || failed > retries) {
            return null;
        }
        if (steps == null) {
            return OutputDelivery.backoff(first, failed);
        }
        Duration step = steps.get(failed - 1);
        if (jitter == 0) {
            return step;
        }
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos(Math.round(step.toNanos() * factor));
    }

    @Override
    public String toString() {
        return steps == null ? retries + " retries from " + first : steps + " ±" + Math.round(jitter * 100) + "%";
    }
}
