package dev.wagateway.intake;

import java.time.Duration;

import org.springframework.context.SmartLifecycle;

/**
 * On {@code SIGTERM}, keeps serving for a while after readiness has gone DOWN, before the web server stops taking
 * connections: a load balancer that only learns from its health checks (no retry on a refused connection; a
 * Kubernetes Service) stops sending here first, so no request meets a closed port. Spring publishes readiness
 * DOWN as the context starts closing; this is the first lifecycle to stop, ahead of the graceful shutdown.
 * 0 (the default) skips the wait: HAProxy as configured in deploy/haproxy retries a refused connection elsewhere.
 */
class ShutdownDrainDelay implements SmartLifecycle {

    private final Duration delay;
    private volatile boolean running;

    ShutdownDrainDelay(Duration delay) {
        this.delay = delay;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
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
        // stops before everything else but intake.SocketHandOver, the web server's graceful shutdown included
        return Integer.MAX_VALUE - 1;
    }
}
