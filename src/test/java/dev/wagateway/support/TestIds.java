package dev.wagateway.support;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Event ids for rows a test writes behind the gateway's back: the id columns are uuid since V19, so a readable name
 * ("m2-owed") becomes a UUID made from it, the same name always the same id.
 */
public final class TestIds {

    private TestIds() {
    }

    /** The canonical text of the UUID named {@code name}. */
    public static String of(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
