package dev.wagateway.store;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Archive retention and the vacuum of churned tables (store.ArchiveRetention, store.TableVacuum). */
@ConfigurationProperties(prefix = "gateway.retention")
class RetentionProperties {
    /**
     * Archived events older than this many days are deleted; 0 keeps them forever. Domain tables are kept. On
     * PostgreSQL a month goes whole once all of it is this old, so events stay up to a month longer.
     */
    private int archiveDays = 90;
    /** Rows deleted per statement, so a purge never holds long locks. */
    private int batchSize = 1000;
    /** How often the purge runs, and how long after start-up it first runs. */
    private Duration interval = Duration.ofHours(1);
    /**
     * PostgreSQL: wa_events has a partition for the current month and this many months after it, made ahead by the
     * archive-partitions-ahead job (store.ArchivePartitions) on the purge's schedule.
     */
    private int partitionsAhead = 3;
    /** How long after start-up the purge first runs. */
    private Duration initialDelay = Duration.ofMinutes(1);

    /**
     * PostgreSQL: the tables churned at the event rate (outbox, lanes, sessions, rate-limit buckets) are vacuumed
     * every {@code vacuumInterval} when they hold at least {@code vacuumDeadRows} dead rows (store.TableVacuum,
     * routes/housekeeping.yaml); false leaves them, and the analyze of the growing tables, to the server's autovacuum.
     */
    private boolean vacuum = true;
    /** TABLE_VACUUM_INTERVAL: how often those tables are checked. */
    private Duration vacuumInterval = Duration.ofSeconds(10);
    /** A table is vacuumed once it holds at least this many dead rows. */
    private long vacuumDeadRows = 1000;
    /**
     * PostgreSQL: the growing tables (messages, events, calls, media, sessions, ...) holding at least this many rows
     * are analyzed by the same job when they never were, or have since doubled or halved (sql/postgresql/analyze).
     */
    private long analyzeMinRows = 1000;

    public boolean isVacuum() { return vacuum; }
    public void setVacuum(boolean vacuum) { this.vacuum = vacuum; }
    public Duration getVacuumInterval() { return vacuumInterval; }
    public void setVacuumInterval(Duration vacuumInterval) { this.vacuumInterval = vacuumInterval; }
    public long getVacuumDeadRows() { return vacuumDeadRows; }
    public void setVacuumDeadRows(long vacuumDeadRows) { this.vacuumDeadRows = vacuumDeadRows; }
    public long getAnalyzeMinRows() { return analyzeMinRows; }
    public void setAnalyzeMinRows(long analyzeMinRows) { this.analyzeMinRows = analyzeMinRows; }

    public int getPartitionsAhead() { return partitionsAhead; }
    public void setPartitionsAhead(int partitionsAhead) { this.partitionsAhead = partitionsAhead; }
    public int getArchiveDays() { return archiveDays; }
    public void setArchiveDays(int archiveDays) { this.archiveDays = archiveDays; }
    public int getBatchSize() { return batchSize; }
    public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    public Duration getInterval() { return interval; }
    public void setInterval(Duration interval) { this.interval = interval; }
    public Duration getInitialDelay() { return initialDelay; }
    public void setInitialDelay(Duration initialDelay) { this.initialDelay = initialDelay; }
}
