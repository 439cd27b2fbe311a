package dev.wagateway.security;

/**
 * Where the token buckets live. In memory by default; an implementation over a shared store (the database,
 * Redis) lets several gateway instances behind one load balancer enforce one limit.
 */
public interface RateLimitStore {

    /** Takes one token from {@code key}'s bucket of {@code perMinute} tokens refilled each minute. */
    Decision tryAcquire(String key, int perMinute);

    /** The outcome: whether the request may pass, tokens left, and seconds until one is free again. */
    record Decision(boolean allowed, long remaining, long retryAfterSeconds) {
    }
}
