package dev.wagateway.store;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each output's failure clock and whether it is disabled ({@code wa_output_health}, migration V14): since when every
 * attempt has failed, the last error, the last success, and when it was disabled. In the database so that it
 * survives a restart and every instance sharing the outbox sees the same; a disabled output's lanes are claimed by
 * none ({@link Outbox#claimLanes}). When to disable is the outputs' policy; this only stores it.
 */
public class OutputHealth {

    private static final int MAX_ERROR = 2000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final SqlCatalog sql;

    public OutputHealth(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.sql = sql;
    }

    /** One output's row. */
    public record State(String output, OffsetDateTime failingSince, OffsetDateTime lastFailureAt, String lastError,
            OffsetDateTime lastSuccessAt, OffsetDateTime disabledAt, String disabledReason) {
        public boolean disabled() {
            return disabledAt != null;
        }
    }

    /** The configured outputs' rows exist (idempotent: an output's row stays from its first start on). */
    public void ensure(Collection<String> outputs) {
        List<Object[]> rows = new ArrayList<>();
        outputs.forEach(o -> rows.add(new Object[] {o}));
        if (!rows.isEmpty()) {
            jdbc.batchUpdate(sql.get("output-health/ensure"), rows);
        }
    }

    /** Where an output's failure clock stands: since when it has failed every attempt (null: it has not), and whether it is off. */
    public record Clock(OffsetDateTime failingSince, boolean disabled) {
    }

    /**
     * A failed attempt at {@code at}: starts the clock unless it runs already. Returns the clock as the database has
     * it now (another instance's failure may have started it earlier, or disabled the output).
     */
    public Clock failed(String output, OffsetDateTime at, String error) {
        if (jdbc.update(sql.get("output-health/failed"), at, at, clip(error), output) == 0) {
            // An output configured since the start (a routes reload), or a row removed by hand: it gets one now.
            ensure(List.of(output));
            jdbc.update(sql.get("output-health/failed"), at, at, clip(error), output);
        }
        List<Clock> clock = jdbc.query(sql.get("output-health/failing-since"),
                (rs, n) -> new Clock(rs.getObject("failing_since", OffsetDateTime.class),
                        rs.getObject("disabled_at", OffsetDateTime.class) != null), output);
        return clock.isEmpty() ? new Clock(null, false) : clock.get(0);
    }

    /** A delivery the output took at {@code at}: the clock stops. */
    public void succeeded(String output, OffsetDateTime at) {
        jdbc.update(sql.get("output-health/succeeded"), at, output);
    }

    /**
     * Disables the output at {@code at} if it has failed every attempt since {@code failingSince} or earlier (checked
     * again in the update, so a success elsewhere meanwhile wins). True when this call disabled it: the caller then
     * sends the alert, exactly one instance does.
     */
    public boolean disable(String output, OffsetDateTime at, OffsetDateTime failingSince, String reason) {
        return jdbc.update(sql.get("output-health/disable"), at, clip(reason), output, failingSince) == 1;
    }

    /**
     * Enables the output again and stops its clock; in the same commit its waiting deliveries lose their counted
     * attempts and planned retries, and its lanes become due now, so the backlog goes out at once, each session in
     * order. True when it was disabled.
     */
    public boolean enable(String output, OffsetDateTime at) {
        Boolean was = tx.execute(status -> {
            List<OffsetDateTime> disabledAt = jdbc.query(sql.get("output-health/failing-since"),
                    (rs, n) -> rs.getObject("disabled_at", OffsetDateTime.class), output);
            jdbc.update(sql.get("output-health/enable"), output);
            jdbc.update(sql.get("outbox/reset-attempts"), output);
            jdbc.update(sql.get("outbox/lanes-due-now"), at, output, at);
            return !disabledAt.isEmpty() && disabledAt.get(0) != null;
        });
        return Boolean.TRUE.equals(was);
    }

    /** The outputs disabled now. */
    public Set<String> disabledOutputs() {
        return new HashSet<>(jdbc.queryForList(sql.get("output-health/disabled"), String.class));
    }

    /** Every output's row, by name. */
    public Map<String, State> all() {
        Map<String, State> states = new LinkedHashMap<>();
        jdbc.query(sql.get("output-health/all"), rs -> {
            String output = rs.getString("output");
            states.put(output, new State(output, rs.getObject("failing_since", OffsetDateTime.class),
                    rs.getObject("last_failure_at", OffsetDateTime.class), rs.getString("last_error"),
                    rs.getObject("last_success_at", OffsetDateTime.class),
                    rs.getObject("disabled_at", OffsetDateTime.class), rs.getString("disabled_reason")));
        });
        return states;
    }

    private static String clip(String text) {
        String t = text == null ? "unknown error" : text;
        return t.length() > MAX_ERROR ? t.substring(0, MAX_ERROR) : t;
    }
}
