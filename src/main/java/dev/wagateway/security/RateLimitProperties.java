package dev.wagateway.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Throttling per client address (security.RateLimiter), also the admin API's trusted proxies. */
@ConfigurationProperties(prefix = "gateway.rate-limit")
public class RateLimitProperties {
    /** Requests per client IP per minute. */
    private int perMinute = 100;
    /** CIDRs of the WhatsApp servers: they carry every session's traffic, so they get their own limit. */
    private List<String> trustedSenders = new ArrayList<>();
    /** The per-minute limit of each trusted sender address. */
    private int trustedPerMinute = 6000;
    /** CIDRs of reverse proxies whose X-Forwarded-For is believed. */
    private List<String> trustedProxies = new ArrayList<>();
    /** How many client addresses the in-memory store tracks before it evicts idle ones. */
    private int maxTrackedClients = 100_000;
    /** Where the buckets live: auto (database on PostgreSQL, else memory), memory (one instance), database. */
    private String store = "auto";

    public String getStore() { return store; }
    public void setStore(String store) { this.store = store; }

    public int getPerMinute() { return perMinute; }
    public void setPerMinute(int perMinute) { this.perMinute = perMinute; }
    public List<String> getTrustedSenders() { return trustedSenders; }
    public void setTrustedSenders(List<String> trustedSenders) { this.trustedSenders = trustedSenders; }
    public int getTrustedPerMinute() { return trustedPerMinute; }
    public void setTrustedPerMinute(int trustedPerMinute) { this.trustedPerMinute = trustedPerMinute; }
    public List<String> getTrustedProxies() { return trustedProxies; }
    public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
    public int getMaxTrackedClients() { return maxTrackedClients; }
    public void setMaxTrackedClients(int maxTrackedClients) { this.maxTrackedClients = maxTrackedClients; }
}
