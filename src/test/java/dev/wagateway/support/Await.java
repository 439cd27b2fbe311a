package dev.wagateway.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for something asynchronous (an output delivery) to happen, up to a bound. */
public final class Await {

    private Await() {
    }

    public static void until(Duration limit, BooleanSupplier condition, String what) {
        until(limit, condition, what, () -> "");
    }

    /** As above; on a timeout the message adds {@code seen}: what the test saw instead, so a failure says why. */
    public static void until(Duration limit, BooleanSupplier condition, String what, Supplier<String> seen) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String instead = seen.get();
                throw new AssertionError("timed out after " + limit + " waiting for " + what
                        + (instead.isEmpty() ? "" : "; saw " + instead));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
