package dev.wagateway.intake;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** How a stopping gateway hands its clients over (intake.ShutdownDrainDelay, intake.SocketHandOver). */
@ConfigurationProperties(prefix = "gateway.shutdown")
class ShutdownProperties {
    /**
     * SHUTDOWN_DRAIN_DELAY: on SIGTERM, serve on this long with readiness DOWN before the web server stops taking
     * connections, for load balancers that only learn from health checks (intake.ShutdownDrainDelay). 0 = at once.
     */
    private Duration drainDelay = Duration.ZERO;
    /**
     * SHUTDOWN_HAND_OVER: on an inherited socket (systemd), how long after SIGTERM every answer carries
     * Connection: close, so kept-alive clients reconnect into the backlog the next process serves.
     */
    private Duration handOver = Duration.ofSeconds(2);

    public Duration getHandOver() { return handOver; }
    public void setHandOver(Duration handOver) { this.handOver = handOver; }

    public Duration getDrainDelay() { return drainDelay; }
    public void setDrainDelay(Duration drainDelay) { this.drainDelay = drainDelay; }
}
