package dev.wagateway.security;

import java.util.concurrent.TimeUnit;

import io.github.bucket4j.ConsumptionProbe;

/**
 * Where the token buckets live: in this JVM ({@link InMemoryRateLimitStore}, for one instance) or in PostgreSQL
 * ({@link DatabaseRateLimitStore}), so several gateway instances behind one load balancer enforce one limit.
 */
public interface RateLimitStore {

    /** Takes one token from {@code key}'s bucket of {@code perMinute} tokens refilled each minute. */
    Decision tryAcquire(String key, int perMinute);

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
    }
}
