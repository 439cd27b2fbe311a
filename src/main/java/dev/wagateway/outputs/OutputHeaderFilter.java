package dev.wagateway.outputs;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * Which of an exchange's headers an HTTP output sends (the http component's header filter, application.yml).
 * The gateway's own headers ({@code WaEventId}, {@code WaSessionId}, ... in EventHeaders) are for the routes, not
 * for receivers: without this every request carried them, {@code WaReceivedAt} in the JVM's locale format. The
 * receiver's contract is the {@code X-Webhook-*} headers (and, with tracing on, {@code traceparent} and
 * {@code tracestate}), passed without the default strategy's case-insensitive
 * scan over its whole filter list (one of the largest costs of a delivery, JFR). Anything else a route sets (an
 * {@code Authorization} for the endpoint, say) goes through Camel's default HTTP filtering as before.
 */
class OutputHeaderFilter extends HttpHeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        if (name.startsWith("X-Webhook-") || isTraceHeader(name)) {
            return value == null;
        }
        if (isGatewayHeader(name)) {
            return true;
        }
        return super.applyFilterToCamelHeaders(name, value, exchange);
    }

    /** The W3C trace context of the attempt (shared.EventTracing): the receiver's spans join the event's trace. */
    static boolean isTraceHeader(String name) {
        return "traceparent".equals(name) || "tracestate".equals(name);
    }

    /** {@code Wa} followed by a capital: the prefix of every header in EventHeaders. */
    static boolean isGatewayHeader(String name) {
        return name.length() > 2 && name.startsWith("Wa") && Character.isUpperCase(name.charAt(2));
    }
}
