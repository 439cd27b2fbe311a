package dev.wagateway.intake;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Group commit: how many threads write the archive, and how many waiting events one commit may take. */
@ConfigurationProperties(prefix = "gateway.archive")
class ArchiveProperties {
    /**
     * Each writer holds one database connection while it writes. 0 = one per core, at least 2: fewer writers
     * make larger batches, and on 2 cores 2 writers did better than 4 or 8 (docs/performance.md).
     */
    private int writers;
    /** ARCHIVE_MAX_BATCH: the most events one writer stores in one transaction. */
    private int maxBatch = 64;
    /** How long a request waits for the commit that holds its event before it answers 503 (retry). */
    private Duration commitTimeout = Duration.ofSeconds(15);
    /** Deliveries waiting for the writers, all writers together; past it a request gets 503 at once. */
    private int maxQueued = 2000;

    public int getMaxQueued() { return maxQueued; }
    public void setMaxQueued(int maxQueued) { this.maxQueued = maxQueued; }

    public Duration getCommitTimeout() { return commitTimeout; }
    public void setCommitTimeout(Duration commitTimeout) { this.commitTimeout = commitTimeout; }
    public int getWriters() {
        return writers > 0 ? writers : Math.max(2, Runtime.getRuntime().availableProcessors());
    }
    public void setWriters(int writers) { this.writers = writers; }
    public int getMaxBatch() { return maxBatch; }
    public void setMaxBatch(int maxBatch) { this.maxBatch = maxBatch; }
}
