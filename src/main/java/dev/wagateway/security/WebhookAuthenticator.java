package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.shared.Digests;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.WebhookRejection;

/**
 * Authenticates a webhook POST over its raw body bytes (the message body is the {@code byte[]} exactly as
 * received). Accepts an HMAC-SHA256 signature under the current or the previous secret, or the inbound API
 * key; either suffices when both are configured. All comparisons are constant-time. With nothing configured
 * every request passes: development mode, announced at start-up.
 */
public class WebhookAuthenticator implements Processor {

    public static final String SIGNATURE_HEADER = "X-Webhook-Signature";
    public static final String API_KEY_HEADER = "x-api-key";
    private static final String SIGNATURE_PREFIX = "sha256=";

    private static final Logger log = LoggerFactory.getLogger(WebhookAuthenticator.class);

    private final List<HmacSha256> secrets = new ArrayList<>();
    private final byte[] apiKeyDigest;

    public WebhookAuthenticator(String webhookSecret, String webhookSecretPrevious, String apiKey) {
        if (hasText(webhookSecret)) {
            secrets.add(new HmacSha256(webhookSecret));
        }
        if (hasText(webhookSecretPrevious)) {
            if (secrets.isEmpty()) {
                throw new IllegalStateException(
                        "WHATSAPP_WEBHOOK_SECRET_PREVIOUS is set without WHATSAPP_WEBHOOK_SECRET: set the current secret too");
            }
            secrets.add(new HmacSha256(webhookSecretPrevious));
        }
        apiKeyDigest = hasText(apiKey) ? sha256(apiKey) : null;
        if (isDevelopmentMode()) {
            log.warn("*** DEVELOPMENT MODE: neither WHATSAPP_WEBHOOK_SECRET nor WHATSAPP_API_KEY is set. "
                    + "The webhook accepts UNAUTHENTICATED posts from anyone who can reach it. "
                    + "Set one of them before exposing this gateway. ***");
        }
    }

    public boolean isDevelopmentMode() {
        return secrets.isEmpty() && apiKeyDigest == null;
    }

    public boolean isSignatureRequired() {
        return !secrets.isEmpty() && apiKeyDigest == null;
    }

    public boolean acceptsSignature() {
        return !secrets.isEmpty();
    }

    public boolean acceptsApiKey() {
        return apiKeyDigest != null;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(ExchangeProperties.AUTH_METHOD, authenticate(
                exchange.getMessage().getBody(byte[].class),
                exchange.getMessage().getHeader(SIGNATURE_HEADER, String.class),
                exchange.getMessage().getHeader(API_KEY_HEADER, String.class)));
    }

    /** Returns how the request authenticated ({@code hmac}, {@code api_key}, {@code none}) or throws a 401. */
    public String authenticate(byte[] body, String signature, String apiKey) {
        if (isDevelopmentMode()) {
            return "none";
        }
        boolean signaturePresent = signature != null && !signature.isBlank();
        if (signaturePresent && acceptsSignature() && signatureMatches(body, signature.trim())) {
            return "hmac";
        }
        boolean keyPresent = apiKey != null && !apiKey.isEmpty();
        if (keyPresent && acceptsApiKey()) {
            if (MessageDigest.isEqual(sha256(apiKey), apiKeyDigest)) {
                return "api_key";
            }
            throw WebhookRejection.unauthorized("invalid_api_key", "the x-api-key header is not valid");
        }
        if (acceptsSignature()) {
            if (signaturePresent) {
                throw WebhookRejection.unauthorized("invalid_signature",
                        "X-Webhook-Signature does not match the request body");
            }
            throw WebhookRejection.unauthorized("missing_signature",
                    acceptsApiKey() ? "send X-Webhook-Signature: sha256=<hex> or x-api-key"
                            : "send X-Webhook-Signature: sha256=<hex of HMAC-SHA256 of the body>");
        }
        throw WebhookRejection.unauthorized("invalid_api_key", "the x-api-key header is missing");
    }

    private boolean signatureMatches(byte[] body, String header) {
        if (header.length() <= SIGNATURE_PREFIX.length()
                || !header.regionMatches(true, 0, SIGNATURE_PREFIX, 0, SIGNATURE_PREFIX.length())) {
            return false;
        }
        byte[] given = Digests.unhex(header.substring(SIGNATURE_PREFIX.length()), 32);
        if (given == null) {
            return false;
        }
        boolean match = false;
        for (HmacSha256 secret : secrets) {
            // No early exit: the time taken does not tell which secret matched.
            match |= MessageDigest.isEqual(secret.sign(body), given);
        }
        return match;
    }

    private static byte[] sha256(String value) {
        return Digests.sha256(value.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
