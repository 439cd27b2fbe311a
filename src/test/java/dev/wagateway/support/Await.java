package dev.wagateway.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for something asynchronous (an output delivery) to happen, up to a bound. */
public final class Await {

    private Await() {
    }

    public static void until(Duration limit, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit + " waiting for " + what);
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
