package dev.wagateway.shared;

/** The three payload shapes of SPEC.md's whatsapp-web.js webhook, and the other sources' own shapes. */
public enum PayloadFormat {
    /** {@code {"sessionId", "event", "data"}}: the seed guide's modified sender. */
    UNIVERSAL("universal"),
    /** {@code {"sessionId", "dataType", "data"}}: the stock whatsapp-api / wwebjs-api server. */
    WHATSAPP_API("whatsapp-api"),
    /** {@code {"event" | "dataType", "data"}} on /webhook/{sessionId}: per-session webhook URLs. */
    PATH("path"),
    /**
     * A source's own webhook shape (Cloud API, WAHA, Evolution API) on its own endpoint, mapped by its
     * SourceMapper; the envelope's {@code source} says which.
     */
    SOURCE("source");

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
