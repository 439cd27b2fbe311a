package dev.wagateway.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** How webhook posts authenticate (security.WebhookAuthenticator). */
@ConfigurationProperties(prefix = "gateway.security")
public class SecurityProperties {
    /** HMAC-SHA256 secret; when set, POSTs must carry X-Webhook-Signature (or a valid API key). */
    private String webhookSecret;
    /** The previous secret, still accepted while the sender is rotated onto the new one. */
    private String webhookSecretPrevious;
    /** Inbound x-api-key accepted as authentication (the stock whatsapp-api server cannot sign). */
    private String apiKey;
    /**
     * Which webhook signatures are accepted: sha256 (X-Webhook-Signature under webhook-secret), standard-webhooks
     * (webhook-id, webhook-timestamp, webhook-signature under standard-webhooks.secrets) or any (either)
     */
    private String signature = "sha256";
    private final StandardWebhooks standardWebhooks = new StandardWebhooks();

    public String getWebhookSecret() { return webhookSecret; }
    public void setWebhookSecret(String webhookSecret) { this.webhookSecret = webhookSecret; }
    public String getWebhookSecretPrevious() { return webhookSecretPrevious; }
    public void setWebhookSecretPrevious(String v) { this.webhookSecretPrevious = v; }
    public String getApiKey() { return apiKey; }
    public void setApiKey(String apiKey) { this.apiKey = apiKey; }
    public String getSignature() { return signature; }
    public void setSignature(String signature) { this.signature = signature; }
    public StandardWebhooks getStandardWebhooks() { return standardWebhooks; }

    /** Standard Webhooks signatures on the webhook (with security.signature standard-webhooks or any). */
    public static class StandardWebhooks {
        /** The sender's whsec_ secrets, comma-separated; several during a rotation, any of them verifies */
        private List<String> secrets = new ArrayList<>();
        /** How far webhook-timestamp may be from the gateway's clock, either way; further gets 401 stale_timestamp */
        private Duration tolerance = Duration.ofMinutes(5);
        /**
         * How long a verified webhook-id answers the sender's retry of it as a duplicate; such senders retry
         * for a day or more (Svix's schedule spans about 28 hours), far past DEDUPE_WINDOW
         */
        private Duration repeatWindow = Duration.ofHours(48);

        public List<String> getSecrets() { return secrets; }
        public void setSecrets(List<String> secrets) { this.secrets = secrets; }
        public Duration getTolerance() { return tolerance; }
        public void setTolerance(Duration tolerance) { this.tolerance = tolerance; }
        public Duration getRepeatWindow() { return repeatWindow; }
        public void setRepeatWindow(Duration repeatWindow) { this.repeatWindow = repeatWindow; }
    }
}
