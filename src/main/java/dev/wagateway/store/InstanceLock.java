package dev.wagateway.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this process is among the instances sharing the database, in a way the others can check: the id its outbox
 * leases carry ({@link #holder}), and, on PostgreSQL, a session advisory lock on that id held for the process's
 * life on a connection of its own. PostgreSQL drops the lock the moment that session ends, which after a
 * {@code kill -9} is at once (the kernel closes the socket), so another instance, or the restarted one, can tell a
 * dead holder's leases from a live one's and take them back without waiting for them to run out
 * ({@link Outbox#takeBackDeadLeases}).
 *
 * <p>The connection is outside the pool: a pooled connection would be handed to other work, and the pool may close
 * it when it pleases, which would free the lock while we still deliver. It is checked every second; a process that
 * has not seen its lock for {@link #CONFIRMED_FOR} stops claiming and stops starting attempts
 * ({@link #confirmed}), since by then another instance may already be delivering its lanes. A lost connection is
 * replaced by a new one with a new id (never the old one: the old id's leases may be being taken back right now),
 * and the lanes leased under the old id are taken back like a dead instance's.
 *
 * <p>On the embedded database there is one process by construction (H2 locks its file), so every lease in the table
 * that is not this process's is a dead process's: no lock is needed, and {@link #confirmed} is always true.
 */
public class InstanceLock implements AutoCloseable {

    /** Opens the connection the lock lives on (a plain JDBC connection, not one of the pool's). */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(InstanceLock.class);
    /** First half of the instances' advisory lock keys ("WAGI"), apart from the jobs' ({@link JobLock}). */
    static final int NAMESPACE = 0x57414749;
    /** The prefix of ids whose holder keeps an advisory lock: a lease carrying another (an older version's) only runs out. */
    static final String LOCKED_PREFIX = "gwl-";
    /** How often the lock's connection is checked. */
    static final long CHECK_MILLIS = 1000;
    /**
     * How long a successful check vouches for the lock. Longer than one check interval plus the check's own
     * time limit would make a slow but healthy check stop the deliveries; much longer would widen the time in which a
     * process that lost its lock still starts attempts.
     */
    static final long CONFIRMED_FOR_NANOS = TimeUnit.MILLISECONDS.toNanos(3 * CHECK_MILLIS);
    private static final int NETWORK_TIMEOUT_MILLIS = 2000;

    private final Connector connector;
    private final SqlCatalog sql;
    private final ScheduledExecutorService checks;
    private Connection connection;
    private volatile String holder;
    private volatile long confirmedAt;
    private volatile boolean closed;

    private InstanceLock(Connector connector, SqlCatalog sql) {
        this.connector = connector;
        this.sql = sql;
        this.holder = connector == null ? "gw-" + UUID.randomUUID() : LOCKED_PREFIX + UUID.randomUUID();
        this.checks = connector == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "instance-lock");
            t.setDaemon(true);
            return t;
        });
    }

    /** On PostgreSQL: takes the lock now (or keeps trying every second), and checks it every second from then on. */
    public static InstanceLock postgres(Connector connector, SqlCatalog sql) {
        InstanceLock lock = new InstanceLock(connector, sql);
        lock.check();
        lock.checks.scheduleWithFixedDelay(lock::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return lock;
    }

    /** On the embedded database: the only process, nothing to lock. */
    public static InstanceLock embedded() {
        return new InstanceLock(null, null);
    }

    public boolean shared() {
        return connector != null;
    }

    /** The id the leases this process takes now carry. */
    public String holder() {
        return holder;
    }

    /**
     * Whether a lane claimed under {@code claimedAs} may go on: that id is still this process's and its lock was seen
     * held a moment ago. A lane claimed before the lock was lost stops even once a new lock is held.
     */
    public boolean holds(String claimedAs) {
        return claimedAs.equals(holder) && confirmed();
    }

    /** Whether this process may claim and deliver: its lock was seen held a moment ago (always, when embedded). */
    public boolean confirmed() {
        return connector == null || (confirmedAt != 0 && System.nanoTime() - confirmedAt < CONFIRMED_FOR_NANOS);
    }

    /** Whether a lease's holder keeps a lock, so that a free lock proves it dead (an older version's does not). */
    static boolean checkable(String holder) {
        return holder != null && holder.startsWith(LOCKED_PREFIX);
    }

    /** The second half of a holder's lock key. Two ids may share one (1 in 2^32): a dead one then looks alive and its leases only run out. */
    static int key(String holder) {
        CRC32 crc = new CRC32();
        crc.update(holder.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        if (connection != null) {
            try {
                // A round trip on the session that took the lock (PgJDBC never reconnects a connection): still held.
                if (connection.isValid(NETWORK_TIMEOUT_MILLIS / 1000)) {
                    confirmedAt = System.nanoTime();
                    return;
                }
                throw new SQLException("the connection is no longer valid");
            } catch (SQLException e) {
                log.warn("outbox: lost the connection that holds instance lock {} ({}); claiming stops until a new one"
                        + " is taken, and its lanes are taken back as a dead instance's", holder, e.getMessage());
                closeQuietly();
                holder = LOCKED_PREFIX + UUID.randomUUID();
            }
        }
        acquire();
    }

    private void acquire() {
        try {
            Connection c = connector.connect();
            try {
                c.setAutoCommit(true);
                c.setNetworkTimeout(r -> new Thread(r, "instance-lock-abort").start(), NETWORK_TIMEOUT_MILLIS);
                // A fresh random id is practically never locked; if its key meets a live one, the next id will do.
                boolean locked = tryLock(c, holder);
                for (int i = 0; i < 3 && !locked; i++) {
                    holder = LOCKED_PREFIX + UUID.randomUUID();
                    locked = tryLock(c, holder);
                }
                if (!locked) {
                    throw new SQLException("no free instance lock key");
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            connection = c;
            confirmedAt = System.nanoTime();
            log.debug("outbox: instance lock {} held", holder);
        } catch (SQLException e) {
            log.warn("outbox: could not take instance lock {} ({}); no deliveries are claimed until it is taken",
                    holder, e.getMessage());
        }
    }

    /** Re-entrant on its own session, so asking again for a lock already held is harmless. */
    private boolean tryLock(Connection c, String holder) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql.get("outbox/instance-lock"))) {
            s.setInt(1, NAMESPACE);
            s.setInt(2, key(holder));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // Closing a broken connection fails too; the server drops the session (and the lock) on its side.
            }
            connection = null;
        }
    }

    /** After the outbox workers have handed their lanes back (a bean destroyed after every lifecycle has stopped). */
    @Override
    public synchronized void close() {
        closed = true;
        if (checks != null) {
            checks.shutdownNow();
        }
        closeQuietly();
    }
}
