package dev.wagateway.security;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.WebhookRejection;

/**
 * First check of the intake: one token per request from the client IP's bucket. Trusted sender addresses (the
 * WhatsApp servers, which carry every session's traffic and never retry) get their own, higher limit.
 * Records the client IP and the decision on the exchange for the envelope and the X-RateLimit headers.
 */
public class RateLimiter implements Processor {

    private final RateLimitStore store;
    private final ClientAddressResolver resolver;
    private final List<Cidr> trustedSenders;
    private final int perMinute;
    private final int trustedPerMinute;

    public RateLimiter(RateLimitStore store, int perMinute, List<String> trustedSenders, int trustedPerMinute,
            List<String> trustedProxies) {
        this.store = store;
        this.resolver = new ClientAddressResolver(Cidr.parseAll(trustedProxies));
        this.trustedSenders = Cidr.parseAll(trustedSenders);
        this.perMinute = perMinute;
        this.trustedPerMinute = trustedPerMinute;
    }

    @Override
    public void process(Exchange exchange) {
        HttpServletRequest request = ExchangeProperties.servletRequest(exchange);
        InetAddress client = resolver.resolve(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
        String ip = client.getHostAddress();
        exchange.setProperty(ExchangeProperties.CLIENT_IP, ip);

        boolean trusted = Cidr.anyContains(trustedSenders, client);
        int limit = trusted ? trustedPerMinute : perMinute;
        RateLimitStore.Decision decision = store.tryAcquire((trusted ? "trusted:" : "ip:") + ip, limit);
        exchange.setProperty(ExchangeProperties.RATE_LIMIT, new RateLimitStatus(limit, decision.remaining()));
        if (!decision.allowed()) {
            throw new WebhookRejection(429, "rate_limited",
                    "too many requests from this address; retry after " + decision.retryAfterSeconds() + " s",
                    Map.of("Retry-After", Long.toString(decision.retryAfterSeconds())));
        }
    }

    /** What the X-RateLimit-Limit and X-RateLimit-Remaining response headers say. */
    public record RateLimitStatus(int limit, long remaining) {
    }
}
