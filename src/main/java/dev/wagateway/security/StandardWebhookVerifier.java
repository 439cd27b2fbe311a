package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.wagateway.shared.WebhookRejection;

/**
 * Verifies a Standard Webhooks request (standardwebhooks.com) as the intake receives it: {@code webhook-id},
 * {@code webhook-timestamp} and {@code webhook-signature} all present, the timestamp within the tolerance of our
 * clock (a captured request cannot be replayed later), and one {@code v1,<base64>} signature of the space-separated
 * list matching HMAC-SHA256 over {@code {id}.{timestamp}.{raw body bytes}} under one of the {@code whsec_} secrets
 * (several during a rotation). Comparisons are constant-time and try every pair without an early exit, so the time
 * taken tells neither which secret nor which signature matched. The signer's counterpart: {@link StandardWebhookSigner}.
 */
final class StandardWebhookVerifier {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private final List<HmacSha256> keys;
    private final Duration tolerance;
    private final Clock clock;

    /**
     * @param secretsBySetting each {@code whsec_} secret under the name of the setting it came from, so that a
     *        malformed one is refused at start-up naming where it is, never showing it
     */
    public StandardWebhookVerifier(Map<String, String> secretsBySetting, Duration tolerance, Clock clock) {
        if (secretsBySetting.isEmpty()) {
            throw new IllegalArgumentException("Standard Webhooks verification needs at least one whsec_ secret");
        }
        if (tolerance.isNegative() || tolerance.isZero()) {
            throw new IllegalArgumentException("the Standard Webhooks timestamp tolerance must be positive");
        }
        List<HmacSha256> parsed = new ArrayList<>();
        secretsBySetting.forEach((setting, secret) -> parsed.add(new HmacSha256(StandardWebhookSigner.key(setting, secret))));
        this.keys = List.copyOf(parsed);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** True when the request carries any of the three headers: it means to be a Standard Webhooks request. */
    public static boolean attempted(String id, String timestamp, String signature) {
        return hasText(id) || hasText(timestamp) || hasText(signature);
    }

    /**
     * Returns normally when the request verifies; else throws a 401: {@code missing_signature} (a header absent),
     * {@code stale_timestamp} (outside the tolerance), {@code invalid_signature} (anything else). The timestamp is
     * checked first, as the reference libraries do: a stale request costs no HMAC.
     */
    public void verify(String id, String timestamp, String signature, byte[] body) {
        List<String> missing = new ArrayList<>();
        if (!hasText(id)) {
            missing.add(ID_HEADER);
        }
        if (!hasText(timestamp)) {
            missing.add(TIMESTAMP_HEADER);
        }
        if (!hasText(signature)) {
            missing.add(SIGNATURE_HEADER);
        }
        if (!missing.isEmpty()) {
            throw WebhookRejection.unauthorized("missing_signature", "a Standard Webhooks request carries webhook-id, "
                    + "webhook-timestamp and webhook-signature; missing: " + String.join(", ", missing));
        }
        String ts = timestamp.trim();
        long seconds = parseSeconds(ts);
        long now = clock.instant().getEpochSecond();
        // Both ways: a timestamp far in the future would otherwise make a captured request replayable until then.
        if (Math.abs(now - seconds) > tolerance.toSeconds()) {
            throw WebhookRejection.unauthorized("stale_timestamp", "webhook-timestamp is more than "
                    + tolerance.toSeconds() + " seconds away from the gateway's clock");
        }
        byte[] prefix = (id.trim() + "." + ts + ".").getBytes(StandardCharsets.UTF_8);
        List<byte[]> expected = new ArrayList<>(keys.size());
        for (HmacSha256 key : keys) {
            expected.add(key.sign(prefix, body));
        }
        boolean match = false;
        for (String candidate : signature.trim().split(" +")) {
            byte[] given = v1(candidate);
            if (given == null) {
                continue;
            }
            for (byte[] e : expected) {
                match |= MessageDigest.isEqual(e, given);
            }
        }
        if (!match) {
            throw WebhookRejection.unauthorized("invalid_signature",
                    "no v1 signature in webhook-signature matches webhook-id, webhook-timestamp and the body");
        }
    }

    /** The bytes of a {@code v1,<base64>} signature; null for another version or bad base64 (skipped, as the spec says). */
    private static byte[] v1(String candidate) {
        if (!candidate.startsWith("v1,")) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(candidate.substring(3));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static long parseSeconds(String ts) {
        // Digits only, bounded: Long.parseLong would take "+1614265330" and overflow past 19 digits.
        if (ts.isEmpty() || ts.length() > 12 || !ts.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw WebhookRejection.unauthorized("invalid_signature", "webhook-timestamp is not a number of seconds");
        }
        return Long.parseLong(ts);
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
