package dev.wagateway.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The read and admin API. */
@ConfigurationProperties(prefix = "gateway.api")
class ApiProperties {
    /** Bearer key of the read API and the actuator's details and metrics; unset = the read API is off. */
    private String adminKey;
    /** Failed admin authentications allowed per client IP per minute; past it 429 for every request of it. */
    private int authFailuresPerMinute = 10;
    /** Page size when the client asks for none, and the most it may ask for. */
    private int defaultPageSize = 50;
    /** The most a client may ask for in one page. */
    private int maxPageSize = 500;

    public String getAdminKey() { return adminKey; }
    public void setAdminKey(String adminKey) { this.adminKey = adminKey; }
    public int getAuthFailuresPerMinute() { return authFailuresPerMinute; }
    public void setAuthFailuresPerMinute(int authFailuresPerMinute) { this.authFailuresPerMinute = authFailuresPerMinute; }
    public int getDefaultPageSize() { return defaultPageSize; }
    public void setDefaultPageSize(int defaultPageSize) { this.defaultPageSize = defaultPageSize; }
    public int getMaxPageSize() { return maxPageSize; }
    public void setMaxPageSize(int maxPageSize) { this.maxPageSize = maxPageSize; }
}
