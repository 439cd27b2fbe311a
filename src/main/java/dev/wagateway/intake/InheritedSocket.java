package dev.wagateway.intake;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the web server serves on a listening socket handed in on standard input (systemd's
 * {@code StandardInput=socket}, the inetd convention {@link System#inheritedChannel()} reads) or binds
 * {@code SERVER_PORT} itself. A socket that outlives the process keeps the connections made while the gateway restarts
 * in the kernel's backlog for the next process, where a port bound by the process refuses them.
 * <p>
 * Decided once per process, with exactly one log line saying which and why: anything on standard input that is not a
 * bound listening TCP socket (a terminal, a pipe, a connected socket from an inetd {@code wait=no} entry, a datagram
 * socket) falls back to {@code SERVER_PORT}, as if nothing had been handed in.
 */
final class InheritedSocket {

    private static final Logger LOG = LoggerFactory.getLogger(InheritedSocket.class);

    private final ServerSocketChannel channel;
    private final int port;
    private final String reason;

    private InheritedSocket(ServerSocketChannel channel, int port, String reason) {
        this.channel = channel;
        this.port = port;
        this.reason = reason;
    }

    /** What standard input holds, logged. */
    public static InheritedSocket fromStandardInput(int serverPort) {
        Channel channel;
        try {
            channel = System.inheritedChannel();
        } catch (IOException | SecurityException e) {
            return logged(fallback(serverPort, "standard input could not be read as a channel (" + e + ")"), true);
        }
        return of(channel, serverPort);
    }

    /** The decision for {@code channel} (standard input's channel, null when none), logged. */
    static InheritedSocket of(Channel channel, int serverPort) {
        if (channel == null) {
            return logged(fallback(serverPort, "no socket on standard input"), false);
        }
        if (channel instanceof SocketChannel) {
            // inetd's wait=no / systemd's Accept=yes: one connection per process, not a socket to listen on.
            return logged(fallback(serverPort, "standard input is a connected socket, not a listening one"), true);
        }
        if (!(channel instanceof ServerSocketChannel server)) {
            return logged(fallback(serverPort, "standard input is not a listening TCP socket ("
                    + channel.getClass().getSimpleName() + ")"), true);
        }
        SocketAddress local;
        try {
            local = server.isOpen() ? server.getLocalAddress() : null;
        } catch (IOException e) {
            local = null;
        }
        // The JDK takes any stream socket without a peer for a server socket, a socket never bound included.
        if (!(local instanceof InetSocketAddress address) || address.getPort() == 0) {
            return logged(fallback(serverPort, "the socket on standard input is not bound to a TCP port ("
                    + local + ")"), true);
        }
        return logged(new InheritedSocket(server, address.getPort(), "serving on the socket inherited on standard "
                + "input (" + address + "); SERVER_PORT " + serverPort + " is not bound"), false);
    }

    private static InheritedSocket fallback(int serverPort, String why) {
        return new InheritedSocket(null, serverPort, why + ": listening on SERVER_PORT " + serverPort);
    }

    private static InheritedSocket logged(InheritedSocket decision, boolean malformed) {
        if (malformed) {
            LOG.warn("Web server: {}", decision.reason);
        } else {
            LOG.info("Web server: {}", decision.reason);
        }
        return decision;
    }

    /** True when the web server serves on the inherited socket. */
    public boolean inherited() {
        return channel != null;
    }

    /** The port served on: the inherited socket's, else SERVER_PORT. */
    public int port() {
        return port;
    }

    /** The logged line's text. */
    public String reason() {
        return reason;
    }
}
