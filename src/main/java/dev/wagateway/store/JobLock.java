package dev.wagateway.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scheduled job on one gateway instance at a time, when every instance schedules it (retention, dead-letter
 * auto-retry). On PostgreSQL a session advisory lock: held by the connection while the job runs, released when it
 * ends, and by the server if the instance dies, so a crash never leaves a job locked. On the embedded database
 * (one process by construction) a lock in this JVM is enough. A job that finds the lock taken is skipped: another
 * instance is doing the same work right now.
 */
public class JobLock {

    private static final Logger log = LoggerFactory.getLogger(JobLock.class);
    /** The first half of every advisory lock key ("WAGW"), so the gateway's keys do not meet another app's. */
    private static final int NAMESPACE = 0x57414757;

    private final DataSource dataSource;
    private final SqlCatalog sql;
    private final boolean postgres;
    private final Map<String, ReentrantLock> local = new ConcurrentHashMap<>();

    public JobLock(DataSource dataSource, SqlCatalog sql, boolean postgres) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.postgres = postgres;
    }

    /** The job's result, or empty when another instance (or another thread here) holds the job's lock. */
    public <T> Optional<T> runAlone(String job, Supplier<T> work) {
        ReentrantLock here = local.computeIfAbsent(job, j -> new ReentrantLock());
        if (!here.tryLock()) {
            return Optional.empty();
        }
        try {
            return postgres ? underAdvisoryLock(job, work) : Optional.ofNullable(work.get());
        } finally {
            here.unlock();
        }
    }

    private <T> Optional<T> underAdvisoryLock(String job, Supplier<T> work) {
        int key = key(job);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (!advisory(connection, sql.get("jobs/try-lock"), key)) {
                log.debug("job {} skipped: another instance is running it", job);
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(work.get());
            } finally {
                advisory(connection, sql.get("jobs/unlock"), key);
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not take the lock of job " + job, e);
        }
    }

    private static boolean advisory(Connection connection, String sql, int key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, NAMESPACE);
            statement.setInt(2, key);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    static int key(String job) {
        CRC32 crc = new CRC32();
        crc.update(job.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }
}
