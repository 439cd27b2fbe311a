package dev.wagateway.shared;

import java.util.UUID;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

/**
 * The ids the gateway gives events and dead letters: UUIDv7 (RFC 9562), the millisecond first and then random
 * bits, increasing within a millisecond in this process. Ids made one after another sort one after another, so an
 * archive insert lands on the last page of the key index instead of a random one (a random UUIDv4 touches a random
 * page of an index that outgrows memory), and the text form still reads as any UUID to consumers.
 */
public final class EventIds {

    private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

    private EventIds() {
    }

    /** A new id, in the canonical 36-character form. */
    public static String next() {
        return GENERATOR.generate().toString();
    }

    /** The millisecond (Unix epoch) a UUIDv7 was made in. */
    public static long millisOf(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }
}
