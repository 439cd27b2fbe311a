package dev.wagateway.shared;

/** The three payload shapes of SPEC.md. */
public enum PayloadFormat {
    /** {@code {"sessionId", "event", "data"}}: the seed guide's modified sender. */
    UNIVERSAL("universal"),
    /** {@code {"sessionId", "dataType", "data"}}: the stock whatsapp-api / wwebjs-api server. */
    WHATSAPP_API("whatsapp-api"),
    /** {@code {"event" | "dataType", "data"}} on /webhook/{sessionId}: per-session webhook URLs. */
    PATH("path");

    private final String wireName;

    PayloadFormat(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The format stored under this name; universal for a name no format has. */
    public static PayloadFormat fromWireName(String name) {
        for (PayloadFormat f : values()) {
            if (f.wireName.equals(name)) {
                return f;
            }
        }
        return UNIVERSAL;
    }
}
