package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.util.function.UnaryOperator;

import dev.wagateway.shared.Digests;
import dev.wagateway.shared.WebhookRejection;

/**
 * Authenticates a WAHA webhook POST the way WAHA signs it when its webhook has an HMAC key (the session's
 * {@code config.webhooks[].hmac.key}, or WHATSAPP_HOOK_HMAC_KEY for the global webhook): {@code X-Webhook-Hmac}
 * is the hex HMAC-SHA512 of the raw body under that key, and {@code X-Webhook-Hmac-Algorithm} says
 * {@code sha512}. Verified over the body bytes exactly as received, compared in constant time. Without
 * WAHA_HMAC_KEY the WAHA endpoint is off (404 source_disabled), as every source with none of its settings is.
 */
public class WahaAuthenticator implements SourceAuthenticator {

    public static final String HMAC_HEADER = "X-Webhook-Hmac";
    public static final String ALGORITHM_HEADER = "X-Webhook-Hmac-Algorithm";
    private static final String ALGORITHM = "sha512";

    private final Mac prototype;

    public WahaAuthenticator(String hmacKey) {
        if (hmacKey == null || hmacKey.isBlank()) {
            prototype = null;
            return;
        }
        try {
            prototype = Mac.getInstance("HmacSHA512");
            prototype.init(new SecretKeySpec(hmacKey.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA512 unavailable", e);
        }
    }

    @Override
    public String source() {
        return "waha";
    }

    @Override
    public boolean enabled() {
        return prototype != null;
    }

    @Override
    public String authenticate(byte[] body, UnaryOperator<String> header) {
        return authenticate(body, header.apply(HMAC_HEADER), header.apply(ALGORITHM_HEADER));
    }

    /** Returns {@code hmac} when the signature is WAHA's for this body, or throws a 401. */
    public String authenticate(byte[] body, String hmac, String algorithm) {
        if (!enabled()) {
            throw new IllegalStateException("WAHA is off: WAHA_HMAC_KEY is not set");
        }
        if (hmac == null || hmac.isBlank()) {
            throw WebhookRejection.unauthorized("missing_signature",
                    "send X-Webhook-Hmac: the hex HMAC-SHA512 of the body (set an hmac key on WAHA's webhook)");
        }
        // WAHA always names its algorithm; a sender that names another one is not WAHA signing with our key.
        if (algorithm != null && !algorithm.isBlank() && !ALGORITHM.equalsIgnoreCase(algorithm.trim())) {
            throw WebhookRejection.unauthorized("invalid_signature", "X-Webhook-Hmac-Algorithm must be sha512");
        }
        byte[] given = Digests.unhex(hmac.trim(), 64);
        if (given == null || !MessageDigest.isEqual(sign(body), given)) {
            throw WebhookRejection.unauthorized("invalid_signature", "X-Webhook-Hmac does not match the request body");
        }
        return "hmac";
    }

    /** The X-Webhook-Hmac value WAHA sends for this body: lower-case hex HMAC-SHA512. */
    public String signatureHeader(byte[] body) {
        return Digests.hex(sign(body));
    }

    private byte[] sign(byte[] body) {
        try {
            return ((Mac) prototype.clone()).doFinal(body);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
