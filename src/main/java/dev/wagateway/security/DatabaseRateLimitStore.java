package dev.wagateway.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets in PostgreSQL (Bucket4j's select-for-update proxy manager over table {@code wa_rate_limit_buckets}),
 * so every gateway instance on the database takes from the same bucket per client: N instances enforce one limit,
 * not N. Every request for a small limit (a client IP's, 100 a minute) is decided by the database, exactly;
 * requests for one key that arrive together in this JVM share one round trip (Bucket4j's batching). A fast bucket
 * ({@value #LOCAL_FROM_PER_MINUTE} a minute and more: the WhatsApp server's own address, which carries every
 * webhook) is spent locally and written back at most every {@value #SYNC_MILLIS} ms (Bucket4j's delaying): with
 * every webhook taking a lock on that one row, the shared limit halved the gateway's throughput
 * (docs/performance.md), and a limit of thousands a minute needs no exactness to the token. Across N instances it
 * may overshoot by what each spends between two writes, a tenth of a second's worth.
 * <p>
 * A bucket row expires once it would have refilled completely, and {@link #removeExpired()} deletes it (scheduled in
 * routes/housekeeping.yaml). When the database cannot answer, the request is let through: the limiter protects the
 * gateway, and a request that passes it while the database is away gets 503 from the archive anyway.
 */
public class DatabaseRateLimitStore implements RateLimitStore {

    private static final Logger log = LoggerFactory.getLogger(DatabaseRateLimitStore.class);
    private static final int EXPIRED_PER_STATEMENT = 1000;
    static final int LOCAL_FROM_PER_MINUTE = 600;
    static final long SYNC_MILLIS = 100;

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    private final ConcurrentHashMap<String, BucketProxy> proxies = new ConcurrentHashMap<>();
    private final int maxKeys;
    private final DataSource dataSource;
    private final String bucketExistsSql;
    private volatile long lastFailureLog;

    public DatabaseRateLimitStore(DataSource dataSource, int maxKeys, String bucketExistsSql) {
        this.maxKeys = maxKeys;
        this.dataSource = dataSource;
        this.bucketExistsSql = bucketExistsSql;
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("wa_rate_limit_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
    }

    @Override
    public Decision tryAcquire(String key, int perMinute) {
        ConsumptionProbe probe;
        try {
            try {
                probe = proxy(key, perMinute).tryConsumeAndReturnRemaining(1);
            } catch (RuntimeException e) {
                if (!bucketMissing(e)) {
                    throw e;
                }
                // A new key taken by two instances at once: Bucket4j's batching fails the whole batch when the row
                // it locked had no state yet (the other instance inserted it empty), where a single command would
                // create the bucket. So this request goes again as a single command. Letting the batch through
                // instead overshot the limit by the batch (DatabaseRateLimitStoreIT).
                probe = buckets.builder()
                        .withImplicitConfigurationReplacement(perMinute, TokensInheritanceStrategy.PROPORTIONALLY)
                        .build(key, () -> configuration(perMinute))
                        .tryConsumeAndReturnRemaining(1);
            }
        } catch (RuntimeException e) {
            logUnavailable(e);
            return new Decision(true, perMinute, 0);
        }
        return Decision.of(probe);
    }

    static boolean bucketMissing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asks whether the bucket exists first (sql/rate-limit/bucket-exists.sql), since Bucket4j's locking would
     * insert a row for every key looked at: a client that never failed leaves none. An existing bucket is
     * estimated through the same proxy that takes its tokens. A database that cannot answer blocks no one, as in
     * {@link #tryAcquire}.
     */
    @Override
    public Decision peek(String key, int perMinute) {
        try {
            if (!exists(key)) {
                return new Decision(true, perMinute, 0);
            }
            return Decision.of(proxy(key, perMinute).estimateAbilityToConsume(1));
        } catch (RuntimeException | SQLException e) {
            logUnavailable(e);
            return new Decision(true, perMinute, 0);
        }
    }

    /** Deletes bucket rows that have refilled completely (nothing left to remember); returns how many. */
    @Override
    public int removeExpired() {
        int total = 0;
        int removed;
        do {
            removed = buckets.removeExpired(EXPIRED_PER_STATEMENT);
            total += removed;
        } while (removed == EXPIRED_PER_STATEMENT);
        return total;
    }

    private boolean exists(String key) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(bucketExistsSql)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getLong(1) > 0;
            }
        }
    }

    private void logUnavailable(Exception e) {
        long now = System.nanoTime();
        if (now - lastFailureLog > TimeUnit.MINUTES.toNanos(1)) {
            lastFailureLog = now;
            log.warn("rate limit store unavailable, letting requests through: {}", e.toString());
        }
    }

    private BucketProxy proxy(String key, int perMinute) {
        // Kept per key: batching merges concurrent requests through one proxy, and a fast bucket's proxy holds the
        // tokens spent since its last write (forgetting it when the cache is full loses at most those).
        String cacheKey = perMinute + "/" + key;
        BucketProxy proxy = proxies.get(cacheKey);
        if (proxy == null) {
            if (proxies.size() >= maxKeys) {
                proxies.clear();
            }
            proxy = proxies.computeIfAbsent(cacheKey, k -> buckets.builder()
                    .withOptimization(perMinute >= LOCAL_FROM_PER_MINUTE
                            ? Optimizations.delaying(new DelayParameters(Math.max(1, perMinute * SYNC_MILLIS / 60_000),
                                    Duration.ofMillis(SYNC_MILLIS)))
                            : Optimizations.batching())
                    // A changed limit (another instance's setting, a restart with a new one) replaces the stored one.
                    .withImplicitConfigurationReplacement(perMinute, TokensInheritanceStrategy.PROPORTIONALLY)
                    .build(key, () -> configuration(perMinute)));
        }
        return proxy;
    }

    private static BucketConfiguration configuration(int perMinute) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
    }
}
