package dev.wagateway.intake;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.wagateway.shared.ErrorBody;

/**
 * Stands in front of every path the Camel routes serve, for the moments those routes are not there.
 * <ul>
 * <li><b>Starting.</b> Tomcat takes connections a few seconds before the routes exist; without this a webhook
 * posted in that window got Spring's 404 page, and a sender that never retries took it as final. Until
 * {@link ApplicationReadyEvent} (after Camel has started its routes, just before readiness turns UP) the answer is
 * SPEC.md's JSON {@code 503} with {@code Retry-After}, which a load balancer retries on another instance. On the way
 * down the web server stops before Camel, so no request meets a missing route then.</li>
 * <li><b>Reloading</b> (only with route reload on). A route being replaced is briefly not there either. Requests
 * hold a shared permit while they run; a reload takes the exclusive one, so it waits for the requests in flight,
 * and new requests wait (up to {@code maxWait}) for the swap instead of meeting a missing route.</li>
 * </ul>
 */
public class RouteGate extends OncePerRequestFilter implements ApplicationListener<ApplicationReadyEvent> {

    private static final byte[] STARTING = ErrorBody.bytes("starting", "the gateway is starting; retry in a moment");
    private static final byte[] RELOADING =
            ErrorBody.bytes("reloading", "the gateway's routes are being reloaded; retry in a moment");

    private volatile boolean open;
    private final ReentrantReadWriteLock swaps;
    private final long maxWaitMillis;

    /** A gate for a gateway whose routes never change while it runs. */
    public RouteGate() {
        this(false, Duration.ZERO);
    }

    /** With {@code reloadable}, requests may wait up to {@code maxWait} for a route swap to finish. */
    public RouteGate(boolean reloadable, Duration maxWait) {
        this.swaps = reloadable ? new ReentrantReadWriteLock() : null;
        this.maxWaitMillis = maxWait.toMillis();
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    /**
     * Runs {@code swap} with no request in a route: waits for those in flight, holds new ones until it returns.
     *
     * @throws IllegalStateException when requests in flight did not finish within {@code wait}
     */
    public <T> T exclusively(Duration wait, Callable<T> swap) throws Exception {
        if (swaps == null) {
            throw new IllegalStateException("this gate was made for routes that are not reloaded");
        }
        if (!swaps.writeLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("requests in flight did not finish within " + wait);
        }
        try {
            return swap.call();
        } finally {
            swaps.writeLock().unlock();
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return open && swaps == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!open) {
            refuse(response, STARTING);
            return;
        }
        if (swaps == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean permitted;
        try {
            permitted = swaps.readLock().tryLock(maxWaitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            permitted = false;
        }
        if (!permitted) {
            refuse(response, RELOADING);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            swaps.readLock().unlock();
        }
    }

    private static void refuse(HttpServletResponse response, byte[] body) throws IOException {
        response.setStatus(503);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
