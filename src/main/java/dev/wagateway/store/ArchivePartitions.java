package dev.wagateway.store;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * PostgreSQL: keeps wa_events (partitioned by month of received_at since V17) partitioned ahead of time, so the
 * webhook's inserts always land in their month's partition and retention can drop months whole. Each run makes sure
 * the current month and the next {@code ahead} months have a partition, named {@code wa_events_pYYYYMM} (UTC
 * months). Rows that landed in {@code wa_events_default} for a month it creates (a clock ahead, or the job not run
 * for months) are moved into the new partition in the same transaction.
 * <p>
 * Called by the scheduled route {@code archive-partitions-ahead} (routes/housekeeping.yaml) on every instance; one
 * runs it at a time (JobLock). Nothing to do on H2, whose wa_events is not partitioned.
 */
class ArchivePartitions {

    private static final Logger log = LoggerFactory.getLogger(ArchivePartitions.class);
    /** The month partitions' names: only these are created, dropped or spliced into DDL. */
    static final Pattern MONTH = Pattern.compile("wa_events_p\\d{6}");
    private static final DateTimeFormatter MONTH_NAME = DateTimeFormatter.ofPattern("yyyyMM");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SqlCatalog sql;
    private final boolean postgres;
    private final int ahead;
    private final Clock clock;
    private final JobLock lock;

    public ArchivePartitions(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, boolean postgres, int ahead,
            Clock clock, JobLock lock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.sql = sql;
        this.postgres = postgres;
        this.ahead = Math.max(0, ahead);
        this.clock = clock;
        this.lock = lock;
    }

    /** One partition of wa_events: {@code from} null for MINVALUE (the legacy one), both null for DEFAULT. */
    record Partition(String name, Instant from, Instant to, boolean isDefault) {
        boolean isMonth() {
            return MONTH.matcher(name).matches();
        }
    }

    /** The partitions of wa_events, by upper bound; empty on H2 or before V17. */
    List<Partition> list() {
        if (!postgres) {
            return List.of();
        }
        return jdbc.query(sql.get("postgresql/partitions/list"), (rs, n) -> new Partition(rs.getString(1),
                instant(rs.getTimestamp(2)), instant(rs.getTimestamp(3)), rs.getBoolean(4)));
    }

    /** Creates the missing month partitions; returns their names (none on H2, or when another instance is at it). */
    public List<String> createAhead() {
        if (!postgres) {
            return List.of();
        }
        return lock.runAlone("archive-partitions-ahead", this::createNow).orElse(List.of());
    }

    private List<String> createNow() {
        List<Partition> existing = list();
        if (existing.isEmpty()) {
            return List.of(); // not partitioned (a schema before V17)
        }
        boolean hasDefault = existing.stream().anyMatch(Partition::isDefault);
        YearMonth current = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        List<String> created = new ArrayList<>();
        for (int i = 0; i <= ahead; i++) {
            YearMonth month = current.plusMonths(i);
            Instant from = month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            Partition overlapping = overlapping(existing, from, to);
            if (overlapping != null) {
                if (!covers(overlapping, from, to)) {
                    log.warn("archive partitions: {} covers part of {} only; no partition made for it", overlapping.name(), month);
                }
                continue;
            }
            String name = "wa_events_p" + month.format(MONTH_NAME);
            try {
                long moved = tx.execute(status -> create(name, from, to, hasDefault));
                created.add(name);
                existing = list();
                log.info("archive partitions: created {}{}", name, moved > 0 ? ", " + moved + " events moved into it from wa_events_default" : "");
            } catch (DataAccessException e) {
                // A lock not had within lock_timeout (or a partition made meanwhile by hand): the next run tries again.
                log.warn("archive partitions: could not create {} this time: {}", name, e.getMostSpecificCause().getMessage());
                break;
            }
        }
        return created;
    }

    private long create(String name, Instant from, Instant to, boolean hasDefault) {
        jdbc.execute(sql.get("postgresql/partitions/lock-timeout"));
        jdbc.execute(sql.get("postgresql/partitions/no-statement-timeout"));
        jdbc.execute(sql.get("postgresql/partitions/create").replace("{partition}", checked(name)));
        long moved = 0;
        if (hasDefault) {
            moved = jdbc.update(sql.get("postgresql/partitions/move-from-default").replace("{partition}", name),
                    OffsetDateTime.ofInstant(from, ZoneOffset.UTC), OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
        }
        jdbc.execute(sql.get("postgresql/partitions/attach").replace("{partition}", name)
                .replace("{from}", from.toString()).replace("{to}", to.toString()));
        return moved;
    }

    private static Partition overlapping(List<Partition> partitions, Instant from, Instant to) {
        for (Partition p : partitions) {
            if (!p.isDefault() && (p.from() == null || p.from().isBefore(to)) && p.to().isAfter(from)) {
                return p;
            }
        }
        return null;
    }

    private static boolean covers(Partition p, Instant from, Instant to) {
        return (p.from() == null || !p.from().isAfter(from)) && !p.to().isBefore(to);
    }

    /** The name of a month partition, refused when it is anything else: it is spliced into DDL. */
    static String checked(String name) {
        if (!MONTH.matcher(name).matches()) {
            throw new IllegalArgumentException("not a month partition of wa_events: " + name);
        }
        return name;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
