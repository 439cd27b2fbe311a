package dev.wagateway.api;

import java.util.Locale;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Keeps other sites from making a signed-in browser change anything (replay, start a session). A browser attaches
 * Basic credentials it has cached to any request to this origin, even one a foreign page triggers; it never
 * attaches a Bearer header on its own, so a Bearer request (curl, scripts) passes. Anything else must carry
 * {@code X-Requested-With} (a custom header, which a foreign page can only send after a CORS preflight the gateway
 * never grants) and must not be marked cross-site by the browser ({@code Sec-Fetch-Site}, or {@code Origin} where
 * that is missing). Answers 403 {@code cross_site_request}.
 */
class CrossSiteGuard implements Processor {

    public static final String HEADER = "X-Requested-With";

    @Override
    public void process(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        if (authorization != null && authorization.trim().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return;
        }
        String requestedWith = exchange.getMessage().getHeader(HEADER, String.class);
        String fetchSite = exchange.getMessage().getHeader("Sec-Fetch-Site", String.class);
        String origin = exchange.getMessage().getHeader("Origin", String.class);
        String host = exchange.getMessage().getHeader("Host", String.class);
        boolean crossSite = fetchSite != null
                ? !fetchSite.trim().toLowerCase(Locale.ROOT).equals("same-origin")
                : origin != null && !origin.isBlank() && !sameHost(origin, host);
        if (requestedWith == null || requestedWith.isBlank() || crossSite) {
            throw new ApiError(403, "cross_site_request",
                    "a browser request that changes something must come from the console (X-Requested-With, same origin)");
        }
    }

    /** Origin {@code http://host:port} names the same host:port as the Host header. */
    static boolean sameHost(String origin, String host) {
        int scheme = origin.indexOf("://");
        String originHost = scheme < 0 ? origin : origin.substring(scheme + 3);
        return host != null && originHost.equalsIgnoreCase(host.trim());
    }
}
