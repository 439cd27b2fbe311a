package dev.wagateway.events;

import java.util.List;

/** The events SPEC.md gives a route of their own. Anything else is still accepted and kept by the catch-all. */
public final class EventTypes {

    public static final List<String> ROUTED = List.of(
            "qr", "authenticated", "ready", "disconnected", "auth_failure", "change_state", "loading_screen",
            "message", "message_create", "message_ack", "call", "media_uploaded", "media");

    private EventTypes() {
    }
}
