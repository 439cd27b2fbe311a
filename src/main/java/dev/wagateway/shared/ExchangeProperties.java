package dev.wagateway.shared;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;

/**
 * The exchange properties the gateway's processors and routes hand each other results in, in one place and with one
 * prefix ({@code wagateway…}), as {@link EventHeaders} holds the headers. Routes name some of them in YAML
 * (routes/intake.yaml, sources.yaml, router.yaml).
 */
public final class ExchangeProperties {

    /** The client IP the rate limit applied to; becomes the envelope's {@code sourceIp}. */
    public static final String CLIENT_IP = "wagatewayClientIp";
    /** The rate limiter's {@code RateLimitStatus} (security) for the X-RateLimit headers. */
    public static final String RATE_LIMIT = "wagatewayRateLimit";
    /** How the request authenticated: hmac, std_webhooks, api_key or none. */
    public static final String AUTH_METHOD = "wagatewayAuthMethod";
    /**
     * A delivery id the request's signature covers (Standard Webhooks' webhook-id): the repeat key in place of the
     * delivery-id header, over gateway.security.standard-webhooks.repeat-window.
     */
    public static final String SIGNED_DELIVERY_ID = "wagatewaySignedDeliveryId";
    /** The session id from /webhook/{sessionId}; absent on the universal endpoint. */
    public static final String PATH_SESSION_ID = "wagatewayPathSessionId";
    /** Which source's endpoint took the request (routes/sources.yaml): cloud, waha, evolution. */
    public static final String SOURCE = "wagatewaySource";
    /** The event named by the URL, for sources whose URL style has one (Evolution API's webhook by events). */
    public static final String PATH_EVENT = "wagatewayPathEvent";
    /** A source delivery's events, in order (a list of events.sources.SourceDelivery). */
    public static final String SOURCE_EVENTS = "wagatewaySourceEvents";
    /** What the archive made of each of them (a list of store.EventArchive.Stored, same order). */
    public static final String SOURCE_STORED = "wagatewaySourceStored";
    /** The normalised {@link EventEnvelope}. */
    public static final String ENVELOPE = "wagatewayEnvelope";
    /** The archived event id: the new one, or the original's for a duplicate. */
    public static final String STORED_EVENT_ID = "wagatewayStoredEventId";
    /** A large media file's base64, left out of the parsed envelope and read from the raw body instead. */
    public static final String MEDIA_BASE64 = "wagatewayMediaBase64";
    /**
     * What the event's route made of it, for its row in wa_events: processed (the default), unrouted (router.yaml's
     * catch-all sets it), or failed (the route threw).
     */
    public static final String EVENT_OUTCOME = "wagatewayEventOutcome";
    /** Set when the delivery repeats an accepted one. */
    public static final String DUPLICATE = "wagatewayDuplicate";
    /**
     * Request attribute holding the unwrapped request whose input stream still has the whole body. The intake's
     * DeferredBodyFilter sets it; it is named here so that the rate limiter (security) can read it too.
     */
    public static final String ORIGINAL_REQUEST = ExchangeProperties.class.getName() + ".originalRequest";

    private ExchangeProperties() {
    }

    /** The servlet request with its body still unread (see {@link #ORIGINAL_REQUEST}). */
    public static HttpServletRequest servletRequest(Exchange exchange) {
        HttpServletRequest request = exchange.getIn().getHeader(Exchange.HTTP_SERVLET_REQUEST, HttpServletRequest.class);
        if (request == null) {
            throw new IllegalStateException("not an HTTP exchange");
        }
        Object original = request.getAttribute(ORIGINAL_REQUEST);
        return original instanceof HttpServletRequest r ? r : request;
    }
}
