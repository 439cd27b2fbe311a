package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** A WhatsApp server that is not there, or does not answer, is a 502 for the console, never a hang or a 500. */
class WhatsAppServerTest {

    private static Exchange start(String sessionId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader("sessionId", sessionId);
        return exchange;
    }

    @Test
    void aServerThatIsNotThereIsUnreachable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        WhatsAppServer server = new WhatsAppServer("http://127.0.0.1:" + closed, "k", Duration.ofSeconds(2));
        assertThatThrownBy(() -> server.start(start("toko")))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.code()).isEqualTo("whatsapp_server_unreachable");
                });
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws IOException {
        // Accepts the connection (the backlog) and never reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            WhatsAppServer server = new WhatsAppServer("http://127.0.0.1:" + silent.getLocalPort(), null, Duration.ofMillis(500));
            long started = System.nanoTime();
            assertThatThrownBy(() -> server.start(start("toko")))
                    .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("whatsapp_server_unreachable"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void offWithoutAnAddress() {
        WhatsAppServer server = new WhatsAppServer(" ", "k", Duration.ofSeconds(1));
        assertThat(server.configured()).isFalse();
        assertThatThrownBy(() -> server.start(start("toko")))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    }
}
