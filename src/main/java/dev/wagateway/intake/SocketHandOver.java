package dev.wagateway.intake;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * On {@code SIGTERM} with an inherited socket, hands the clients over to the next process before the web server's
 * graceful shutdown closes anything. First lifecycle to stop (ahead of the drain delay and the graceful shutdown):
 * <ol>
 * <li>the endpoint stops taking connections ({@link HandOverEndpoint#handOver}): new ones wait in the backlog;</li>
 * <li>for {@code window}, the connections already open are served as before, but every answer carries
 * {@code Connection: close}, so a client on a kept-alive connection makes its next request on a new connection,
 * which the backlog holds for the next process;</li>
 * <li>then the graceful shutdown pauses Tomcat, finishes the requests in flight and closes the idle connections.</li>
 * </ol>
 * Without the window, Tomcat's pause answers a request arriving on a kept-alive connection {@code 503} and closes the
 * connection after a request in flight without saying so ({@code Connection: close} is not sent): a sender that never
 * retries loses both. A connection idle through the whole window and used just as it closes remains a risk no server
 * can remove (HTTP/1.1 lets the client retry that case); the window only has to be longer than the gap between a busy
 * client's requests.
 */
class SocketHandOver extends OncePerRequestFilter implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(SocketHandOver.class);

    private final Duration window;
    private volatile HandOverEndpoint endpoint;
    private volatile boolean closing;
    private volatile boolean running;

    public SocketHandOver(Duration window) {
        this.window = window;
    }

    /** The endpoint serving the inherited socket (none: nothing to hand over, the lifecycle does nothing). */
    void serve(HandOverEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (closing) {
            // Tomcat honours an application's Connection: close: it says so and closes after the answer.
            response.setHeader("Connection", "close");
        }
        chain.doFilter(request, response);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        HandOverEndpoint served = endpoint;
        if (served == null) {
            return;
        }
        served.handOver();
        closing = true;
        LOG.info("Web server: handing the inherited socket over; new connections wait for the next process, open "
                + "ones are answered with Connection: close for {}", window);
        // At least one accept poll: a connection whose accept was under way is taken and answered, not dropped.
        long millis = Math.max(window.toMillis(), 2L * HandOverEndpoint.ACCEPT_POLL_MILLIS);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE; // stops first: before ShutdownDrainDelay and the graceful shutdown
    }
}
