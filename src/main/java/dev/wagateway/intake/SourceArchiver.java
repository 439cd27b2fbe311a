package dev.wagateway.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;

import dev.wagateway.events.sources.SourceDelivery;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.store.ArchiveWriters;
import dev.wagateway.store.EventArchive;

/**
 * The {@code sourceArchiver} step of routes/sources.yaml: what {@link EventArchiver} does for one event, for every
 * event of a source's delivery. Each is stored and routed (direct:route-event) in its own right, with the source's
 * own id of the event as its repeat key, and the request is answered only once all of them are committed
 * ({@link ArchiveWriters#storeAll}): a 200 means every event of the delivery is stored. A source that retries a
 * delivery (Meta retries anything but a 2xx, for days) gets its stored events answered duplicate, one by one, for
 * {@code gateway.sources.repeat-window} (SOURCES_REPEAT_WINDOW) rather than the webhook's shorter DEDUPE_WINDOW.
 */
public class SourceArchiver implements Processor {

    private final ArchiveWriters archive;
    private final ProducerTemplate producer;
    private final Duration repeatWindow;

    /** {@code repeatWindow}: how long a source's id of an event makes its redelivery a duplicate. */
    public SourceArchiver(ArchiveWriters archive, ProducerTemplate producer, Duration repeatWindow) {
        this.archive = archive;
        this.producer = producer;
        this.repeatWindow = repeatWindow;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        List<SourceDelivery> events = exchange.getProperty(ExchangeProperties.SOURCE_EVENTS, List.class);
        String authMethod = exchange.getProperty(ExchangeProperties.AUTH_METHOD, String.class);
        List<EventArchive.Delivery> deliveries = new ArrayList<>(events.size());
        for (SourceDelivery e : events) {
            deliveries.add(new EventArchive.Delivery(e.envelope(), e.deliveryId() == null ? null
                    : EventArchiver.deliveryId(e.deliveryId()), authMethod,
                    () -> EventArchiver.route(producer, exchange, e.envelope()), repeatWindow));
        }
        List<EventArchive.Stored> stored = EventArchiver.storing(events.get(0).envelope(), () -> archive.storeAll(deliveries));
        exchange.setProperty(ExchangeProperties.SOURCE_STORED, stored);
    }
}
