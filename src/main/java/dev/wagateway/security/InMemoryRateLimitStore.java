package dev.wagateway.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

/**
 * Token buckets per key in this JVM (Bucket4j, lock-free). Bounded: when more keys than {@code maxKeys} are
 * tracked, buckets that are full again (their client went quiet) are dropped; a bucket that is full carries no
 * state worth keeping, so dropping it changes no decision.
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
        ConsumptionProbe probe = limited.bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return new Decision(true, probe.getRemainingTokens(), 0);
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        return new Decision(false, 0, seconds);
    }

    int trackedKeys() {
        return buckets.size();
    }

    private void evictIdle() {
        buckets.entrySet().removeIf(e -> e.getValue().bucket.getAvailableTokens() >= e.getValue().perMinute);
        if (buckets.size() >= maxKeys) {
            // Every tracked client is active: forget the lot rather than grow without bound.
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
