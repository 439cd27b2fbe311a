package dev.wagateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.wagateway.security.AuthFailureLimiter;
import dev.wagateway.shared.Digests;
import dev.wagateway.shared.ExchangeProperties;

/**
 * Guards the read and admin API (routes/api.yaml) and the actuator ({@link ActuatorGuard}).
 * {@code Authorization: Bearer <ADMIN_API_KEY>}, or HTTP Basic with the key as password so a browser can open the
 * QR PNG (it prompts, the key never goes in a URL). Without a configured key the API is off: every request gets
 * 404, nothing is readable. Constant-time comparison, as for the webhook key.
 * <p>
 * Wrong keys are throttled per client IP ({@link AuthFailureLimiter}): past the allowance every request of that
 * client gets 429 with {@code Retry-After}, whatever key it carries, until the bucket refills. A request without
 * any credentials is not a guess (a browser's first request, before it prompts) and counts nothing.
 * <p>
 * For other entry points (a servlet filter): {@link #authenticate(HttpServletRequest)} does all of the above and
 * throws the {@link ApiError} to answer; {@link #isValidKey(String)} is the bare key check, without the throttle.
 */
class AdminAuthenticator implements Processor {

    /** Basic first: Chromium prompts only when a challenge line begins with Basic (qr.png opened in a browser). */
    static final String CHALLENGE = "Basic realm=\"whatsapp-gateway\", Bearer realm=\"whatsapp-gateway\"";

    private final byte[] keyDigest;
    private final AuthFailureLimiter failures;

    /** Without a throttle: for tests and tools that check keys only. */
    public AdminAuthenticator(String key) {
        this(key, null);
    }

    public AdminAuthenticator(String key, AuthFailureLimiter failures) {
        this.keyDigest = key == null || key.isBlank() ? null : Digests.sha256(key.getBytes(StandardCharsets.UTF_8));
        this.failures = failures;
    }

    @Override
    public void process(Exchange exchange) {
        authenticate(ExchangeProperties.servletRequest(exchange));
    }

    /** Whether an admin key is configured at all (the admin surfaces are off without one). */
    public boolean isEnabled() {
        return keyDigest != null;
    }

    /** Whether an {@code Authorization} header value carries the admin key. Counts nothing; false when off. */
    public boolean isValidKey(String authorization) {
        String presented = presentedKey(authorization);
        return keyDigest != null && presented != null
                && MessageDigest.isEqual(Digests.sha256(presented.getBytes(StandardCharsets.UTF_8)), keyDigest);
    }

    /** {@link #authenticate(String, String, String)} for a servlet request. */
    public void authenticate(HttpServletRequest request) {
        authenticate(request.getHeader("Authorization"), request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
    }

    /**
     * Returns when the request carries the admin key and its client is not blocked.
     *
     * @throws ApiError 404 {@code read_api_disabled} without a configured key, 429 {@code rate_limited} (with
     *         {@code Retry-After}) for a client that failed too often, 401 {@code unauthorized} (with
     *         {@code WWW-Authenticate}) without the right key
     */
    public void authenticate(String authorization, String remoteAddr, String forwardedFor) {
        if (keyDigest == null) {
            throw ApiError.notFound("read_api_disabled", "the read API is off: set ADMIN_API_KEY to enable it");
        }
        String clientIp = failures == null ? null : failures.clientIp(remoteAddr, forwardedFor);
        if (clientIp != null) {
            long blocked = failures.blockedForSeconds(clientIp);
            if (blocked > 0) {
                throw tooMany(blocked);
            }
        }
        if (isValidKey(authorization)) {
            return;
        }
        // Any Authorization header is a credential offered (a guess, whatever its scheme), not the absence of one.
        if (clientIp != null && authorization != null && !authorization.isBlank()) {
            long wait = failures.failed(clientIp);
            if (wait > 0) {
                throw tooMany(wait);
            }
        }
        throw new ApiError(401, "unauthorized", "send Authorization: Bearer <admin key>",
                Map.of("WWW-Authenticate", CHALLENGE));
    }

    private static ApiError tooMany(long seconds) {
        return new ApiError(429, "rate_limited",
                "too many failed authentications from this address; retry after " + seconds + " s",
                Map.of("Retry-After", Long.toString(seconds)));
    }

    static String presentedKey(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
