package dev.wagateway.outputs;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * When a failing output is disabled: once every attempt has failed for {@code after} (its {@code disable-after}),
 * counted from the first failed attempt with no success after it. {@link Duration#ZERO} = never. Pure: the
 * clock's start comes from the database ({@code store.OutputHealth}), which checks it again when it disables.
 */
public record DisablePolicy(Duration after) {

    /** Five days: longer than any sensible retry schedule, short enough that a dead endpoint stops costing attempts. */
    public static final Duration DEFAULT_AFTER = Duration.ofDays(5);
    public static final DisablePolicy DEFAULT = new DisablePolicy(DEFAULT_AFTER);

    public DisablePolicy {
        if (after == null || after.isNegative()) {
            throw new IllegalArgumentException("disable-after must be 0 (never) or a positive duration");
        }
    }

    /** The output's {@code disable-after}, refused naming {@code setting} when negative; unset = the default. */
    static DisablePolicy of(String setting, Duration after) {
        if (after == null) {
            return DEFAULT;
        }
        if (after.isNegative()) {
            throw new IllegalArgumentException(setting + ".disable-after must be 0 (never) or a positive duration"
                    + " (such as 5d, 12h), not '" + after + "'");
        }
        return new DisablePolicy(after);
    }

    public boolean never() {
        return after.isZero();
    }

    /** Whether an output that has failed every attempt since {@code failingSince} (null: it has not) is disabled at {@code now}. */
    boolean due(OffsetDateTime failingSince, OffsetDateTime now) {
        return !never() && failingSince != null && !failingSince.plus(after).isAfter(now);
    }

    /** The latest start of the failure clock that makes the output due at {@code now} (the database's own check). */
    OffsetDateTime failingSinceAtLatest(OffsetDateTime now) {
        return now.minus(after);
    }

    /** What the API, the console and the alert say about why it was disabled. */
    String reason(OffsetDateTime failingSince, String lastError) {
        return "every attempt failed for " + describe(after) + " (since " + failingSince.toInstant() + "); last error: "
                + (lastError == null ? "unknown" : lastError);
    }

    /** 5d, 12h, 90s: as an operator writes it. */
    static String describe(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
            return d.toMinutes() + "m";
        }
        if (d.toSeconds() > 0 && d.equals(Duration.ofSeconds(d.toSeconds()))) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }

    /**
     * Whether a delivery the output took must be written to its row (which stops the clock): when this instance saw a
     * failure after its last such write (every failure counted: {@code failures}, and the count at the last write:
     * {@code written}, -1 before the first), or when the last write is {@code refresh} old, so that a failure
     * another instance recorded meanwhile is cleared soon too. Otherwise a success costs nothing.
     */
    static boolean recordSuccess(long failures, long written, long nanosSinceWrite, Duration refresh) {
        return failures != written || nanosSinceWrite >= refresh.toNanos();
    }
}
