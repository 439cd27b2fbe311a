package dev.wagateway.shared;

import java.util.UUID;
import java.util.regex.Pattern;

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
    /** The canonical 8-4-4-4-12 form only: UUID.fromString also takes "1-1-1-1-1", which is no id of ours. */
    private static final Pattern CANONICAL = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private EventIds() {
    }

    /** A new id, in the canonical 36-character form. */
    public static String next() {
        return GENERATOR.generate().toString();
    }

    /** Whether {@code text} has an id's shape (the canonical 36-character form, either case). */
    public static boolean isId(String text) {
        return text != null && CANONICAL.matcher(text).matches();
    }

    /**
     * The id as the database stores it (uuid columns since V19): a {@link UUID}, which PostgreSQL's driver and H2
     * both bind as uuid (a String against a uuid column fails on PostgreSQL). Read back with getString, it is the
     * same lower-case text again. Null stays null.
     *
     * @throws IllegalArgumentException when {@code id} is not in the canonical form ({@link #isId})
     */
    public static UUID uuid(String id) {
        if (id == null) {
            return null;
        }
        if (!isId(id)) {
            throw new IllegalArgumentException("not an event id: " + id);
        }
        return UUID.fromString(id);
    }

    /** The millisecond (Unix epoch) a UUIDv7 was made in. */
    public static long millisOf(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }
}
