package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.shared.Digests;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.WebhookRejection;

/**
 * Authenticates a webhook POST over its raw body bytes (the message body is the {@code byte[]} exactly as
 * received). Accepts, by {@link Scheme}, an X-Webhook-Signature HMAC-SHA256 under the current or the previous
 * secret, or a Standard Webhooks signature under one of its {@code whsec_} secrets ({@link StandardWebhookVerifier}),
 * or either; and the inbound API key. A signature or the key suffices when both are configured. All comparisons are
 * constant-time. With nothing configured every request passes: development mode, announced at start-up.
 */
public class WebhookAuthenticator implements Processor {

    public static final String SIGNATURE_HEADER = "X-Webhook-Signature";
    public static final String API_KEY_HEADER = "x-api-key";
    private static final String SIGNATURE_PREFIX = "sha256=";
    /** The auth_method of a Standard Webhooks request (the column holds 16 characters). */
    public static final String STANDARD_WEBHOOKS_METHOD = "std_webhooks";

    /** Which signatures the intake accepts: gateway.security.signature (WHATSAPP_WEBHOOK_SIGNATURE). */
    public enum Scheme {
        /** X-Webhook-Signature: sha256=<hex> under WHATSAPP_WEBHOOK_SECRET (and _PREVIOUS): SPEC.md's scheme. */
        SHA256,
        /** webhook-id, webhook-timestamp, webhook-signature under WHATSAPP_WEBHOOK_STANDARD_SECRETS. */
        STANDARD_WEBHOOKS,
        /** Either, each under its own secrets: while senders move from one scheme to the other. */
        ANY;

        /** sha256, standard-webhooks or any; anything else refused naming the setting. */
        public static Scheme of(String value) {
            String v = value == null || value.isBlank() ? "sha256" : value.trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "sha256" -> SHA256;
                case "standard-webhooks" -> STANDARD_WEBHOOKS;
                case "any" -> ANY;
                default -> throw new IllegalArgumentException("WHATSAPP_WEBHOOK_SIGNATURE (gateway.security.signature) "
                        + "must be sha256, standard-webhooks or any, not '" + value + "'");
            };
        }
    }

    private static final Logger log = LoggerFactory.getLogger(WebhookAuthenticator.class);

    private final List<HmacSha256> secrets = new ArrayList<>();
    private final byte[] apiKeyDigest;
    private final StandardWebhookVerifier standardWebhooks;

    /** SPEC.md's scheme only: X-Webhook-Signature and the API key. */
    public WebhookAuthenticator(String webhookSecret, String webhookSecretPrevious, String apiKey) {
        this(Scheme.SHA256, webhookSecret, webhookSecretPrevious, apiKey, List.of(), Duration.ofMinutes(5),
                Clock.systemUTC());
    }

    /**
     * @param standardSecrets the {@code whsec_} secrets of Standard Webhooks requests (several during a rotation);
     *        only with {@link Scheme#STANDARD_WEBHOOKS} or {@link Scheme#ANY}
     * @param tolerance how far a {@code webhook-timestamp} may be from our clock, either way
     */
    public WebhookAuthenticator(Scheme scheme, String webhookSecret, String webhookSecretPrevious, String apiKey,
            List<String> standardSecrets, Duration tolerance, Clock clock) {
        List<String> whsec = standardSecrets == null ? List.of()
                : standardSecrets.stream().filter(WebhookAuthenticator::hasText).toList();
        // A secret of the scheme not accepted would be silently unused: the operator meant something else.
        if (scheme == Scheme.SHA256 && !whsec.isEmpty()) {
            throw new IllegalStateException("WHATSAPP_WEBHOOK_STANDARD_SECRETS is set but WHATSAPP_WEBHOOK_SIGNATURE is "
                    + "sha256: set WHATSAPP_WEBHOOK_SIGNATURE to standard-webhooks or any to accept those signatures");
        }
        if (scheme == Scheme.STANDARD_WEBHOOKS && (hasText(webhookSecret) || hasText(webhookSecretPrevious))) {
            throw new IllegalStateException("WHATSAPP_WEBHOOK_SECRET (and _PREVIOUS) sign X-Webhook-Signature, which "
                    + "WHATSAPP_WEBHOOK_SIGNATURE=standard-webhooks does not accept: put the whsec_ secrets in "
                    + "WHATSAPP_WEBHOOK_STANDARD_SECRETS, or set WHATSAPP_WEBHOOK_SIGNATURE=any to accept both");
        }
        if (scheme == Scheme.STANDARD_WEBHOOKS && whsec.isEmpty()) {
            throw new IllegalStateException("WHATSAPP_WEBHOOK_SIGNATURE=standard-webhooks needs the sender's whsec_ "
                    + "secret(s) in WHATSAPP_WEBHOOK_STANDARD_SECRETS (gateway.security.standard-webhooks.secrets)");
        }
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
        if (whsec.isEmpty()) {
            standardWebhooks = null;
        } else {
            Map<String, String> bySetting = new LinkedHashMap<>();
            for (int i = 0; i < whsec.size(); i++) {
                bySetting.put("WHATSAPP_WEBHOOK_STANDARD_SECRETS (gateway.security.standard-webhooks.secrets[" + i + "])",
                        whsec.get(i));
            }
            standardWebhooks = new StandardWebhookVerifier(bySetting, tolerance, clock);
        }
        apiKeyDigest = hasText(apiKey) ? sha256(apiKey) : null;
        if (isDevelopmentMode()) {
            log.warn("*** DEVELOPMENT MODE: neither WHATSAPP_WEBHOOK_SECRET nor WHATSAPP_API_KEY is set. "
                    + "The webhook accepts UNAUTHENTICATED posts from anyone who can reach it. "
                    + "Set one of them before exposing this gateway. ***");
        }
    }

    public boolean isDevelopmentMode() {
        return !acceptsSignature() && apiKeyDigest == null;
    }

    public boolean isSignatureRequired() {
        return acceptsSignature() && apiKeyDigest == null;
    }

    /** Any signature: X-Webhook-Signature or Standard Webhooks. */
    public boolean acceptsSignature() {
        return !secrets.isEmpty() || standardWebhooks != null;
    }

    public boolean acceptsStandardWebhooks() {
        return standardWebhooks != null;
    }

    public boolean acceptsApiKey() {
        return apiKeyDigest != null;
    }

    @Override
    public void process(Exchange exchange) {
        org.apache.camel.Message m = exchange.getMessage();
        Presented presented = new Presented(m.getHeader(SIGNATURE_HEADER, String.class),
                m.getHeader(StandardWebhookVerifier.ID_HEADER, String.class),
                m.getHeader(StandardWebhookVerifier.TIMESTAMP_HEADER, String.class),
                m.getHeader(StandardWebhookVerifier.SIGNATURE_HEADER, String.class),
                m.getHeader(API_KEY_HEADER, String.class));
        String method = authenticate(m.getBody(byte[].class), presented);
        exchange.setProperty(ExchangeProperties.AUTH_METHOD, method);
        if (STANDARD_WEBHOOKS_METHOD.equals(method)) {
            // Signed together with the body, so a sender's retry of this message is recognised by it (intake.EventArchiver).
            exchange.setProperty(ExchangeProperties.SIGNED_DELIVERY_ID, presented.webhookId().trim());
        }
    }

    /** What a request presents to authenticate with; any of it may be null. */
    public record Presented(String signature, String webhookId, String webhookTimestamp, String webhookSignature,
            String apiKey) {
    }

    /** X-Webhook-Signature or the API key only (SPEC.md's two ways). */
    public String authenticate(byte[] body, String signature, String apiKey) {
        return authenticate(body, new Presented(signature, null, null, null, apiKey));
    }

    /**
     * Returns how the request authenticated ({@code hmac}, {@value #STANDARD_WEBHOOKS_METHOD}, {@code api_key},
     * {@code none}) or throws a 401. A wrong signature with a right API key passes, as SPEC.md has it for either.
     */
    public String authenticate(byte[] body, Presented p) {
        if (isDevelopmentMode()) {
            return "none";
        }
        String signature = p.signature();
        boolean signaturePresent = signature != null && !signature.isBlank() && !secrets.isEmpty();
        if (signaturePresent && signatureMatches(body, signature.trim())) {
            return "hmac";
        }
        WebhookRejection standardFailure = null;
        if (standardWebhooks != null
                && StandardWebhookVerifier.attempted(p.webhookId(), p.webhookTimestamp(), p.webhookSignature())) {
            try {
                standardWebhooks.verify(p.webhookId(), p.webhookTimestamp(), p.webhookSignature(), body);
                return STANDARD_WEBHOOKS_METHOD;
            } catch (WebhookRejection e) {
                standardFailure = e;
            }
        }
        String apiKey = p.apiKey();
        boolean keyPresent = apiKey != null && !apiKey.isEmpty();
        if (keyPresent && acceptsApiKey()) {
            if (MessageDigest.isEqual(sha256(apiKey), apiKeyDigest)) {
                return "api_key";
            }
            throw WebhookRejection.unauthorized("invalid_api_key", "the x-api-key header is not valid");
        }
        if (standardFailure != null) {
            throw standardFailure;
        }
        if (acceptsSignature()) {
            if (signaturePresent) {
                throw WebhookRejection.unauthorized("invalid_signature",
                        "X-Webhook-Signature does not match the request body");
            }
            throw WebhookRejection.unauthorized("missing_signature", "send " + expected());
        }
        throw WebhookRejection.unauthorized("invalid_api_key", "the x-api-key header is missing");
    }

    /** The ways to authenticate that are configured, for the missing_signature message. */
    private String expected() {
        List<String> ways = new ArrayList<>();
        if (!secrets.isEmpty()) {
            ways.add("X-Webhook-Signature: sha256=<hex of HMAC-SHA256 of the body>");
        }
        if (standardWebhooks != null) {
            ways.add("webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks)");
        }
        if (acceptsApiKey()) {
            ways.add("x-api-key");
        }
        return String.join(" or ", ways);
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
