package dev.wagateway.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bucket;

/**
 * Token buckets per key in this JVM (Bucket4j, lock-free). Bounded to {@code maxKeys} keys, so a flood of
 * source addresses cannot exhaust the heap; see {@link #evictIdle()} for what is forgotten first.
 */
public class InMemoryRateLimitStore implements RateLimitStore {

    private final ConcurrentHashMap<String, LimitedBucket> buckets = new ConcurrentHashMap<>();
    private final int maxKeys;

    public InMemoryRateLimitStore(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    @Override
    public Decision tryAcquire(String key, int perMinute) {
        LimitedBucket limited = buckets.get(key);
        if (limited == null || limited.perMinute != perMinute) {
            if (buckets.size() >= maxKeys) {
                evictIdle();
            }
            limited = buckets.compute(key, (k, existing) ->
                    existing != null && existing.perMinute == perMinute ? existing : new LimitedBucket(perMinute));
        }
        return Decision.of(limited.bucket.tryConsumeAndReturnRemaining(1));
    }

    @Override
    public Decision peek(String key, int perMinute) {
        LimitedBucket limited = buckets.get(key);
        if (limited == null || limited.perMinute != perMinute) {
            return new Decision(true, perMinute, 0);
        }
        return Decision.of(limited.bucket.estimateAbilityToConsume(1));
    }

    int trackedKeys() {
        return buckets.size();
    }

    private void evictIdle() {
        // First the clients that went quiet (full bucket: nothing to remember), then those not being limited
        // right now; clients that have spent their tokens are kept as long as possible, they are the point.
        buckets.entrySet().removeIf(e -> e.getValue().bucket.getAvailableTokens() >= e.getValue().perMinute);
        if (buckets.size() >= maxKeys) {
            buckets.entrySet().removeIf(e -> e.getValue().bucket.getAvailableTokens() > 0);
        }
        if (buckets.size() >= maxKeys) {
            // Every tracked client is being limited: forget them rather than grow without bound.
            buckets.clear();
        }
    }

    private static final class LimitedBucket {
        final int perMinute;
        final Bucket bucket;

        LimitedBucket(int perMinute) {
            this.perMinute = perMinute;
            this.bucket = Bucket.builder()
                    .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                    .build();
        }
    }
}
