package dev.wagateway.events;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.events.sources.SourceDelivery;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.store.MediaStore;

/**
 * Runs on the intake, before the archive, for media events only: writes the base64 file of
 * {@code data.messageMedia.data} to the content-addressed {@link MediaStore} and replaces it in the envelope by
 * {@code "storedAs": "media/<sha256>"}. So the archive never holds a second copy of a file of up to 64 MB, and
 * the request never holds more than its body and its parsed form. When the base64 cannot be decoded the data is
 * left whole: the event is archived as it came, and the media route then fails on it and marks it failed.
 */
class MediaExtractor implements Processor {

    private static final Logger log = LoggerFactory.getLogger(MediaExtractor.class);

    private final MediaStore store;

    public MediaExtractor(MediaStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        if (!"media".equals(envelope.event())) {
            return;
        }
        JsonNode media = envelope.data().path("messageMedia");
        // A large file was left out of the parsed data by the normaliser; it is still in the raw body.
        CharSequence base64 = exchange.getProperty(ExchangeProperties.MEDIA_BASE64, CharSequence.class);
        exchange.removeProperty(ExchangeProperties.MEDIA_BASE64);
        if (base64 == null && media.path("data").isTextual()) {
            base64 = media.path("data").textValue();
        }
        extract(envelope, media, base64);
    }

    /**
     * The {@code storeSourceMedia} step of routes/sources.yaml: the same for every media event a source's mapper made
     * of a delivery (Evolution's {@code webhookBase64}), so those files are stored off the database like the
     * webhook's and served by {@code /api/whatsapp/media/{sha256}}.
     */
    @SuppressWarnings("unchecked")
    public void storeSourceMedia(Exchange exchange) {
        List<SourceDelivery> events = exchange.getProperty(ExchangeProperties.SOURCE_EVENTS, List.class);
        for (SourceDelivery e : events) {
            if ("media".equals(e.envelope().event())) {
                JsonNode media = e.envelope().data().path("messageMedia");
                extract(e.envelope(), media, media.path("data").isTextual() ? media.path("data").textValue() : null);
            }
        }
    }

    private void extract(EventEnvelope envelope, JsonNode media, CharSequence base64) {
        if (!(media instanceof ObjectNode messageMedia) || base64 == null) {
            return;
        }
        try {
            MediaStore.StoredFile file = store.store(base64);
            messageMedia.putNull("data");
            messageMedia.put("storedAs", MediaStore.reference(file.sha256()));
            messageMedia.put("storedSize", file.size());
        } catch (IllegalArgumentException | IOException e) {
            // Archive it as it came (the text goes back into the data), so nothing is lost; the route will fail it.
            messageMedia.put("data", base64.toString());
            log.debug("media of event {} not extracted at intake ({}); archived as received", envelope.eventId(), e.getMessage());
        }
    }
}
