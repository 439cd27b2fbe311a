package dev.wagateway.security;

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
    }
}
