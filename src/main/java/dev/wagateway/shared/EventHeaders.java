package dev.wagateway.shared;

import org.apache.camel.Message;

/**
 * Headers every event route can read without touching the envelope: the router's choice, camel-sql named
 * parameters ({@code :#WaSessionId}) and the outputs use them.
 */
public final class EventHeaders {

    public static final String EVENT_ID = "WaEventId";
    public static final String SESSION_ID = "WaSessionId";
    public static final String EVENT = "WaEvent";
    public static final String RECEIVED_AT = "WaReceivedAt";
    /** The output an exchange is being delivered to (routes/outputs.yaml). */
    public static final String OUTPUT = "WaOutput";
    /** Set when a delivery is the replay of this dead letter. */
    public static final String DEAD_LETTER_ID = "WaDeadLetterId";

    private EventHeaders() {
    }

    /** Makes {@code message} carry the event: no other header (nothing the client sent), these four, the envelope. */
    public static void carry(Message message, EventEnvelope envelope) {
        message.removeHeaders("*");
        message.setHeader(EVENT_ID, envelope.eventId());
        message.setHeader(SESSION_ID, envelope.sessionId());
        message.setHeader(EVENT, envelope.event());
        message.setHeader(RECEIVED_AT, envelope.receivedAt());
        message.setBody(envelope);
    }
}
