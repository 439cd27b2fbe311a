package dev.wagateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The deliveries in src/test/resources/samples/, one per event, as the stock whatsapp-api server posts them. */
public final class Samples {

    public static final List<String> ALL = List.of("auth_failure", "authenticated", "call", "change_state",
            "disconnected", "group_join", "loading_screen", "media", "media_uploaded", "message", "message_ack",
            "message_create", "qr", "ready", "universal_qr");

    private Samples() {
    }

    public static String load(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample with its sessionId replaced, so each test works on sessions of its own. */
    public static String forSession(String name, String sessionId) {
        return load(name).replaceAll("\"sessionId\":\"[^\"]*\"", "\"sessionId\":\"" + sessionId + "\"");
    }
}
