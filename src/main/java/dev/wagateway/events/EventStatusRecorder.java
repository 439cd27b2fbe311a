package dev.wagateway.events;

import org.apache.camel.Exchange;

import dev.wagateway.intake.IntakeExchange;
import dev.wagateway.store.EventArchive;

/**
 * Keeps each archived event's processing status in step with its route, for the router in router.yaml:
 * {@code processed} when its sub-route completed, {@code unrouted} when the catch-all kept it, {@code failed}
 * with the error when the sub-route threw. The webhook is answered 200 in every case: the event is stored.
 */
public class EventStatusRecorder {

    /** Exchange property a sub-route sets to record an outcome other than {@code processed}. */
    public static final String OUTCOME = "eventOutcome";

    private final EventArchive archive;

    public EventStatusRecorder(EventArchive archive) {
        this.archive = archive;
    }

    public void done(Exchange exchange) {
        archive.markDone(eventId(exchange), exchange.getProperty(OUTCOME, "processed", String.class));
    }

    public void failed(Exchange exchange) {
        archive.markFailed(eventId(exchange), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    private static String eventId(Exchange exchange) {
        return exchange.getProperty(IntakeExchange.ENVELOPE, EventEnvelope.class).eventId();
    }
}
