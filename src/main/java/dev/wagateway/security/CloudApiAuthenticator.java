package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.shared.Digests;
import dev.wagateway.shared.WebhookRejection;

/**
 * The WhatsApp Business Cloud API's two checks. Meta proves a subscription with a GET handshake
 * ({@code hub.mode=subscribe}, {@code hub.verify_token} = CLOUD_API_VERIFY_TOKEN, answered with
 * {@code hub.challenge}), and signs every POST with {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
 * body under the app secret>} (CLOUD_API_APP_SECRET). Both compared in constant time. With neither setting the
 * source is off; with only the verify token, posts are taken unsigned (announced at start-up, like the
 * whatsapp-web.js webhook's development mode).
 */
public class CloudApiAuthenticator implements SourceAuthenticator {

    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";
    /** Meta's challenge is a number; anything else is not echoed back. */
    private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9._-]{1,256}");

    private static final Logger log = LoggerFactory.getLogger(CloudApiAuthenticator.class);

    private final byte[] verifyTokenDigest;
    private final HmacSha256 appSecret;

    public CloudApiAuthenticator(String verifyToken, String appSecret) {
        this.verifyTokenDigest = hasText(verifyToken) ? sha256(verifyToken) : null;
        this.appSecret = hasText(appSecret) ? new HmacSha256(appSecret) : null;
        if (verifyTokenDigest != null && this.appSecret == null) {
            log.warn("*** CLOUD_API_VERIFY_TOKEN is set without CLOUD_API_APP_SECRET: /api/whatsapp/cloud takes "
                    + "UNSIGNED posts from anyone who can reach it. Set the app secret (Meta app > Settings > Basic). ***");
        }
    }

    @Override
    public String source() {
        return "cloud";
    }

    @Override
    public boolean enabled() {
        return verifyTokenDigest != null || appSecret != null;
    }

    public boolean isSignatureRequired() {
        return appSecret != null;
    }

    @Override
    public String authenticate(byte[] body, UnaryOperator<String> header) {
        if (appSecret == null) {
            return "none";
        }
        String signature = header.apply(SIGNATURE_HEADER);
        if (signature == null || signature.isBlank()) {
            throw WebhookRejection.unauthorized("missing_signature",
                    "send X-Hub-Signature-256: sha256=<hex of HMAC-SHA256 of the body under the app secret>");
        }
        String value = signature.trim();
        byte[] given = value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                ? Digests.unhex(value.substring(PREFIX.length()), 32) : null;
        if (given == null || !MessageDigest.isEqual(appSecret.sign(body), given)) {
            throw WebhookRejection.unauthorized("invalid_signature", "X-Hub-Signature-256 does not match the request body");
        }
        return "hmac";
    }

    /**
     * The subscription handshake: returns the challenge to answer with, or throws 403 {@code verification_failed}
     * (wrong mode or token, no token configured, or a challenge that is not Meta's).
     */
    public String handshake(String mode, String token, String challenge) {
        boolean tokenMatches = verifyTokenDigest != null && token != null
                && MessageDigest.isEqual(sha256(token), verifyTokenDigest);
        if (!"subscribe".equals(mode) || !tokenMatches || challenge == null || !CHALLENGE.matcher(challenge).matches()) {
            throw new WebhookRejection(403, "verification_failed",
                    "hub.mode must be subscribe and hub.verify_token must equal CLOUD_API_VERIFY_TOKEN");
        }
        return challenge;
    }

    private static byte[] sha256(String value) {
        return Digests.sha256(value.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
