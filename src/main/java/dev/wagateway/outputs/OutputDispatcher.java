package dev.wagateway.outputs;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventHeaders;
import dev.wagateway.shared.IntakeExchange;
import dev.wagateway.store.DeadLetters;

/**
 * The hand-off from the webhook to the outputs, after the event is archived and routed: a copy of the event goes
 * on the queue of each output that wants it, and the webhook thread moves on. It never waits for an output and
 * never fails the webhook: an output whose queue is full gets the event as a dead letter instead.
 */
public class OutputDispatcher {

    private static final Logger log = LoggerFactory.getLogger(OutputDispatcher.class);

    private final OutputCatalog catalog;
    private final DeadLetters deadLetters;
    private final CamelContext camel;
    private final ProducerTemplate producer;

    public OutputDispatcher(OutputCatalog catalog, DeadLetters deadLetters, CamelContext camel, ProducerTemplate producer) {
        this.catalog = catalog;
        this.deadLetters = deadLetters;
        this.camel = camel;
        this.producer = producer;
    }

    public void dispatch(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(IntakeExchange.ENVELOPE, EventEnvelope.class);
        for (OutputDefinition output : catalog.all()) {
            if (!output.wants(envelope.event())) {
                continue;
            }
            Exchange copy = eventExchange(camel, envelope, output.name(), ExchangePattern.InOnly);
            try {
                producer.send(output.queueUri(), copy);
                if (copy.getException() != null) {
                    throw copy.getException();
                }
            } catch (Exception e) {
                log.warn("output {} could not take event {} ({}); dead-lettered", output.name(), envelope.eventId(), e.getMessage());
                try {
                    deadLetters.record(envelope, output.name(), "not queued: " + e.getMessage(), 0, null);
                } catch (RuntimeException storeDown) {
                    // The webhook has its 200 coming: the event is archived, only this output misses it.
                    log.error("event {} missed output {} and could not be dead-lettered: {}", envelope.eventId(),
                            output.name(), storeDown.getMessage());
                }
            }
        }
    }

    /** A fresh exchange carrying an event to an output, as the output routes expect it. */
    static Exchange eventExchange(CamelContext camel, EventEnvelope envelope, String output, ExchangePattern pattern) {
        Exchange copy = new DefaultExchange(camel, pattern);
        copy.setProperty(IntakeExchange.ENVELOPE, envelope);
        EventHeaders.carry(copy.getMessage(), envelope);
        copy.getMessage().setHeader(EventHeaders.OUTPUT, output);
        return copy;
    }

    ProducerTemplate producer() {
        return producer;
    }
}
