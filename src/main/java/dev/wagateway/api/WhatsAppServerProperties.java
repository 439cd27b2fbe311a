package dev.wagateway.api;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The WhatsApp server the console starts sessions on; its x-api-key is security.api-key (WHATSAPP_API_KEY). */
@ConfigurationProperties(prefix = "gateway.whatsapp-server")
class WhatsAppServerProperties {
    /** Its base URL (http://whatsapp:3000); unset = the console cannot start sessions. */
    private String url;
    /** How long a start may take: the server answers once its browser page is up. */
    private Duration timeout = Duration.ofSeconds(60);

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public Duration getTimeout() { return timeout; }
    public void setTimeout(Duration timeout) { this.timeout = timeout; }
}
