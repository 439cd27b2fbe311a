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
        /**
         * WAHA_URL: WAHA's own address as the gateway reaches it (e.g. http://waha:3000). Set, a message's file
         * (payload.media.url, on WAHA's /api/files/) is downloaded into the media store when the message arrives;
         * unset, media stay on WAHA.
         */
        private String url;
        /** WAHA_API_KEY: WAHA's API key, sent as X-Api-Key when downloading a file (WAHA's own WAHA_API_KEY). */
        private String apiKey;
        /** WAHA_MEDIA_TIMEOUT: how long one file's download may take; past it the media event is kept as failed. */
        private Duration mediaTimeout = Duration.ofSeconds(20);
        /** WAHA_MEDIA_MAX_BYTES: the largest file downloaded from WAHA (WhatsApp's own limit for documents is 2 GB). */
        private long mediaMaxBytes = 104_857_600L;

        public String getHmacKey() { return hmacKey; }
        public void setHmacKey(String hmacKey) { this.hmacKey = hmacKey; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public Duration getMediaTimeout() { return mediaTimeout; }
        public void setMediaTimeout(Duration mediaTimeout) { this.mediaTimeout = mediaTimeout; }
        public long getMediaMaxBytes() { return mediaMaxBytes; }
        public void setMediaMaxBytes(long mediaMaxBytes) { this.mediaMaxBytes = mediaMaxBytes; }
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
