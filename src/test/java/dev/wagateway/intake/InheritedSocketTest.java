package dev.wagateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * What standard input holds decides where the web server listens, and the one log line says which and why. Real
 * channels on the loopback interface stand for what systemd or inetd would hand in.
 */
class InheritedSocketTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(InheritedSocket.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    @Test
    void aBoundListeningSocketIsServedOnAndServerPortIsNotBound() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();

            InheritedSocket socket = InheritedSocket.of(listening, 8080);

            assertThat(socket.inherited()).isTrue();
            assertThat(socket.port()).isEqualTo(port);
            assertOneLine(Level.INFO, "serving on the socket inherited on standard input (/127.0.0.1:" + port
                    + "); SERVER_PORT 8080 is not bound");
        }
    }

    @Test
    void nothingOnStandardInputListensOnServerPort() {
        InheritedSocket socket = InheritedSocket.of(null, 8080);

        assertThat(socket.inherited()).isFalse();
        assertThat(socket.port()).isEqualTo(8080);
        assertOneLine(Level.INFO, "no socket on standard input: listening on SERVER_PORT 8080");
    }

    @Test
    void aConnectedSocketFallsBackToServerPort() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open()) {
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel connected = SocketChannel.open(listening.getLocalAddress())) {
                assertFallback(connected, "standard input is a connected socket, not a listening one");
            }
        }
    }

    @Test
    void aSocketNeverBoundFallsBackToServerPort() throws Exception {
        // What the JDK returns for a stream socket without a peer that was never bound: a ServerSocketChannel.
        try (ServerSocketChannel unbound = ServerSocketChannel.open()) {
            assertFallback(unbound, "the socket on standard input is not bound to a TCP port (null)");
        }
    }

    @Test
    void aClosedSocketFallsBackToServerPort() throws Exception {
        ServerSocketChannel closed = ServerSocketChannel.open();
        closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        closed.close();
        assertFallback(closed, "the socket on standard input is not bound to a TCP port (null)");
    }

    @Test
    void aDatagramSocketFallsBackToServerPort() throws Exception {
        try (DatagramChannel datagram = DatagramChannel.open()) {
            assertFallback(datagram, "standard input is not a listening TCP socket (");
        }
    }

    private void assertFallback(Channel channel, String why) {
        InheritedSocket socket = InheritedSocket.of(channel, 18080);

        assertThat(socket.inherited()).isFalse();
        assertThat(socket.port()).isEqualTo(18080);
        assertThat(socket.reason()).startsWith(why).endsWith(": listening on SERVER_PORT 18080");
        assertOneLine(Level.WARN, socket.reason());
    }

    private void assertOneLine(Level level, String reason) {
        List<ILoggingEvent> events = logged.list;
        assertThat(events).as("log lines").hasSize(1);
        assertThat(events.get(0).getLevel()).isEqualTo(level);
        assertThat(events.get(0).getFormattedMessage()).isEqualTo("Web server: " + reason);
    }
}
