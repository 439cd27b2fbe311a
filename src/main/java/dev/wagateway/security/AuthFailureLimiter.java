package dev.wagateway.security;

import java.util.List;

/**
 * Throttles guessing of the admin key: each failed admin authentication takes a token from the client IP's bucket
 * of {@code failuresPerMinute} (the webhook's {@link RateLimitStore}, so shared by every instance when the store
 * is the database, under its own key prefix); a client whose bucket is empty is refused before its key is even
 * looked at, so a right key guessed while blocked tells it nothing. Requests that authenticate take no token.
 * The client IP is the webhook's ({@link ClientAddressResolver}: X-Forwarded-For only from trusted proxies).
 */
public class AuthFailureLimiter {

    static final String KEY_PREFIX = "admin-auth:";

    private final RateLimitStore store;
    private final ClientAddressResolver resolver;
    private final int failuresPerMinute;

    public AuthFailureLimiter(RateLimitStore store, int failuresPerMinute, List<String> trustedProxies) {
        if (failuresPerMinute < 1) {
            throw new IllegalArgumentException("failed admin authentications per minute must be at least 1");
        }
        this.store = store;
        this.resolver = new ClientAddressResolver(Cidr.parseAll(trustedProxies));
        this.failuresPerMinute = failuresPerMinute;
    }

    /** The address the limit applies to, from the socket peer and the X-Forwarded-For header. */
    public String clientIp(String remoteAddr, String forwardedFor) {
        return resolver.resolve(remoteAddr, forwardedFor).getHostAddress();
    }

    /** Seconds until {@code clientIp} may try again, or 0 when it is not blocked. Takes no token. */
    public long blockedForSeconds(String clientIp) {
        RateLimitStore.Decision decision = store.peek(KEY_PREFIX + clientIp, failuresPerMinute);
        return decision.allowed() ? 0 : decision.retryAfterSeconds();
    }

    /**
     * Counts one failure of {@code clientIp}; returns the seconds it must wait when that failure was one too many,
     * else 0.
     */
    public long failed(String clientIp) {
        RateLimitStore.Decision decision = store.tryAcquire(KEY_PREFIX + clientIp, failuresPerMinute);
        return decision.allowed() ? 0 : decision.retryAfterSeconds();
    }

    public int failuresPerMinute() {
        return failuresPerMinute;
    }
}
