package dev.wagateway.intake;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;

import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * Tomcat's NIO endpoint on the socket inherited on standard input, taking a connection off the kernel's backlog only
 * when this process will answer it. The backlog outlives the process (systemd holds the socket), so whatever this
 * process leaves there the next one answers; a connection it takes and then drops is lost.
 * <ul>
 * <li><b>Starting.</b> Nothing is accepted until the routes run ({@link #openWhen}): stock Tomcat accepts seconds
 * earlier and the gate answers 503, which a sender that never retries takes as final. The connections made meanwhile
 * wait in the backlog instead, the requests on them are answered once the routes are up.</li>
 * <li><b>Handing over</b> ({@link #handOver}, first thing on {@code SIGTERM}). Accepting stops, the connections
 * already taken are served on. Stock Tomcat stops accepting by pausing the endpoint and connecting to its own socket
 * to wake the acceptor; a client's connection that the woken acceptor takes instead is closed unanswered (Tomcat's
 * Acceptor, "paused" branch), and so is the wake-up connection left for the next process. Here the acceptor waits in
 * {@code accept} for at most {@link #ACCEPT_POLL_MILLIS} at a time and looks at the flags in between, so it never
 * needs waking: what it takes it hands on, unpaused.</li>
 * </ul>
 */
class HandOverEndpoint extends NioEndpoint {

    /** How long one accept waits before the acceptor looks again whether it should still accept. */
    static final int ACCEPT_POLL_MILLIS = 100;

    private volatile BooleanSupplier open = () -> true;
    private volatile boolean handedOver;

    public HandOverEndpoint() {
        setUseInheritedChannel(true);
    }

    /** Accept nothing until {@code condition} holds (checked between accepts). */
    public void openWhen(BooleanSupplier condition) {
        this.open = condition;
    }

    /**
     * Stops taking connections: those in the backlog stay there for the next process. A connection whose accept was
     * under way is still served; after {@link #ACCEPT_POLL_MILLIS} none is.
     */
    public void handOver() {
        handedOver = true;
    }

    public boolean handedOver() {
        return handedOver;
    }

    @Override
    protected SocketChannel serverSocketAccept() throws Exception {
        ServerSocket server = ((ServerSocketChannel) System.inheritedChannel()).socket();
        server.setSoTimeout(ACCEPT_POLL_MILLIS);
        while (isRunning()) {
            if (handedOver || isPaused() || !open.getAsBoolean()) {
                Thread.sleep(ACCEPT_POLL_MILLIS);
                continue;
            }
            try {
                return server.accept().getChannel();
            } catch (SocketTimeoutException nothingYet) {
                // look at the flags again
            }
        }
        // Stopped: Tomcat's acceptor leaves its loop on an accept that fails once the endpoint no longer runs.
        throw new ClosedChannelException();
    }

    /** Nothing to wake: the acceptor never waits in accept longer than {@link #ACCEPT_POLL_MILLIS}. */
    @Override
    protected void unlockAccept() {
    }

    /** The HTTP/1.1 protocol on this endpoint, named by class to Tomcat's connector. */
    public static class Protocol extends Http11NioProtocol {

        public Protocol() {
            super(new HandOverEndpoint());
        }

        public HandOverEndpoint handOverEndpoint() {
            return (HandOverEndpoint) getEndpoint();
        }
    }
}
