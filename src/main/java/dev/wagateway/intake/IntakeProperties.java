package dev.wagateway.intake;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** What the webhook accepts: body sizes and the repeat rules. */
@ConfigurationProperties(prefix = "gateway.intake")
public class IntakeProperties {
    /** Larger bodies get 413; media events carry files base64-encoded, hence the generous default. */
    private long maxBodyBytes = 104_857_600L;
    /** A retry (the session's previous event's body, or a delivery id seen) within this window is a duplicate. */
    private Duration dedupeWindow = Duration.ofSeconds(60);
    /** A sender-supplied delivery id; when present it alone decides whether a delivery is a repeat. */
    private String deliveryIdHeader = "X-Delivery-Id";
    /**
     * Request body bytes held at once across all requests; past it a request gets 503 (retry) instead of
     * pushing the heap over. 0 = a third of the maximum heap, at least one maximum-size body.
     */
    private long maxInFlightBytes;

    public long getMaxBodyBytes() { return maxBodyBytes; }
    public void setMaxBodyBytes(long maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
    public Duration getDedupeWindow() { return dedupeWindow; }
    public void setDedupeWindow(Duration dedupeWindow) { this.dedupeWindow = dedupeWindow; }
    public String getDeliveryIdHeader() { return deliveryIdHeader; }
    public void setDeliveryIdHeader(String deliveryIdHeader) { this.deliveryIdHeader = deliveryIdHeader; }
    public long getMaxInFlightBytes() { return maxInFlightBytes; }
    public void setMaxInFlightBytes(long maxInFlightBytes) { this.maxInFlightBytes = maxInFlightBytes; }
}
