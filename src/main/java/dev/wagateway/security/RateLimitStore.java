package dev.wagateway.security;

import java.util.concurrent.TimeUnit;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;

/**
 * Where the token buckets live: in this JVM ({@link InMemoryRateLimitStore}, for one instance) or in PostgreSQL
 * ({@link DatabaseRateLimitStore}), so several gateway instances behind one load balancer enforce one limit.
 */
public interface RateLimitStore {

    /** Takes one token from {@code key}'s bucket of {@code perMinute} tokens refilled each minute. */
    Decision tryAcquire(String key, int perMinute);

    /**
     * Whether a token could be taken from {@code key}'s bucket now, without taking one: for limits that count only
     * some requests (failed admin authentications) but must refuse every request of a client that has spent them.
     * A key never used is not blocked, and looking at it must not create its bucket.
     */
    Decision peek(String key, int perMinute);

    /** Forgets the buckets that have refilled completely; returns how many. Nothing to do for most stores. */
    default int removeExpired() {
        return 0;
    }

    /** The outcome: whether the request may pass, tokens left, and seconds until one is free again. */
    record Decision(boolean allowed, long remaining, long retryAfterSeconds) {

        /** A Bucket4j probe as a decision; the wait rounded up to whole seconds, at least one. */
        static Decision of(ConsumptionProbe probe) {
            if (probe.isConsumed()) {
                return new Decision(true, probe.getRemainingTokens(), 0);
            }
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
            return new Decision(false, 0, seconds);
        }

        /** A Bucket4j estimate as a decision, rounded as {@link #of(ConsumptionProbe)}. */
        static Decision of(EstimationProbe probe) {
            if (probe.canBeConsumed()) {
                return new Decision(true, probe.getRemainingTokens(), 0);
            }
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
            return new Decision(false, 0, seconds);
        }
    }
}
