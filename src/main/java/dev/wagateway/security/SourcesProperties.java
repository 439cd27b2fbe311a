package dev.wagateway.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The other WhatsApp servers' webhooks (routes/sources.yaml); a source with no setting is off (404). */
@ConfigurationProperties(prefix = "gateway.sources")
public class SourcesProperties {
    /**
     * SOURCES_REPEAT_WINDOW: how long a source's own id of an event (a wamid and status, ...) makes a redelivery
     * a duplicate. Longer than DEDUPE_WINDOW: Meta retries a delivery for up to 7 days, less and less often.
     */
    private Duration repeatWindow = Duration.ofHours(24);
    private final Cloud cloud = new Cloud();
    private final Waha waha = new Waha();
    private final Evolution evolution = new Evolution();

    public Duration getRepeatWindow() { return repeatWindow; }
    public void setRepeatWindow(Duration repeatWindow) { this.repeatWindow = repeatWindow; }
    public Cloud getCloud() { return cloud; }
    public Waha getWaha() { return waha; }
    public Evolution getEvolution() { return evolution; }

    public static class Cloud {
        /** CLOUD_API_VERIFY_TOKEN: the token Meta's subscription handshake (GET hub.verify_token) must carry. */
        private String verifyToken;
        /** CLOUD_API_APP_SECRET: the Meta app's secret; when set, POSTs must carry a valid X-Hub-Signature-256. */
        private String appSecret;

        public String getVerifyToken() { return verifyToken; }
        public void setVerifyToken(String verifyToken) { this.verifyToken = verifyToken; }
        public String getAppSecret() { return appSecret; }
        public void setAppSecret(String appSecret) { this.appSecret = appSecret; }
    }

    public static class Waha {
        /** WAHA_HMAC_KEY: the hmac key of WAHA's webhook; posts must carry its X-Webhook-Hmac. Unset = WAHA off. */
        private String hmacKey;

        public String getHmacKey() { return hmacKey; }
        public void setHmacKey(String hmacKey) { this.hmacKey = hmacKey; }
    }

    public static class Evolution {
        /**
         * EVOLUTION_API_KEY: the instance token(s) Evolution API sends as apikey, comma-separated (one per
         * instance when they differ). Unset = Evolution API off.
         */
        private List<String> apiKeys = new ArrayList<>();

        public List<String> getApiKeys() { return apiKeys; }
        public void setApiKeys(List<String> apiKeys) { this.apiKeys = apiKeys; }
    }
}
