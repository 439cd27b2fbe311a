package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import dev.wagateway.shared.EventHeaders;

class OutputHeaderFilterTest {

    private final OutputHeaderFilter filter = new OutputHeaderFilter();
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void theRoutesOwnHeadersStayInTheGateway() {
        for (String name : new String[] {EventHeaders.EVENT_ID, EventHeaders.SESSION_ID, EventHeaders.EVENT,
                EventHeaders.RECEIVED_AT, EventHeaders.OUTPUT, EventHeaders.DEAD_LETTER_ID}) {
            assertThat(filter.applyFilterToCamelHeaders(name, "x", exchange)).as(name).isTrue();
        }
        assertThat(filter.applyFilterToCamelHeaders(EventHeaders.RECEIVED_AT, OffsetDateTime.now(), exchange)).isTrue();
    }

    @Test
    void theReceiversHeadersGoOut() {
        assertThat(filter.applyFilterToCamelHeaders("X-Webhook-Event-Id", "e1", exchange)).isFalse();
        assertThat(filter.applyFilterToCamelHeaders("X-Webhook-Signature", "sha256=ab", exchange)).isFalse();
        assertThat(filter.applyFilterToCamelHeaders("X-Webhook-Session", null, exchange)).isTrue();
    }

    @Test
    void theTraceContextGoesOut() {
        assertThat(filter.applyFilterToCamelHeaders("traceparent",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", exchange)).isFalse();
        assertThat(filter.applyFilterToCamelHeaders("tracestate", "vendor=x", exchange)).isFalse();
        assertThat(filter.applyFilterToCamelHeaders("traceparent", null, exchange)).isTrue();
    }

    @Test
    void anythingElseIsFilteredAsCamelsHttpComponentWould() {
        // a route's own header for its endpoint passes; Camel's control headers and hop-by-hop headers do not
        assertThat(filter.applyFilterToCamelHeaders("Authorization", "Bearer t", exchange)).isFalse();
        assertThat(filter.applyFilterToCamelHeaders("Wallet", "w", exchange)).isFalse();
        assertThat(filter.applyFilterToCamelHeaders(Exchange.HTTP_METHOD, "POST", exchange)).isTrue();
        assertThat(filter.applyFilterToCamelHeaders("Transfer-Encoding", "chunked", exchange)).isTrue();
    }
}
