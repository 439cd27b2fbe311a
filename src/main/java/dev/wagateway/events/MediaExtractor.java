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
    /** Null unless WAHA_URL is set. */
    private final WahaMediaDownloader waha;

    MediaExtractor(MediaStore store, WahaMediaDownloader waha) {
        this.store = store;
        this.waha = waha;
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
     * of a delivery (Evolution's {@code webhookBase64}; WAHA's file, downloaded from WAHA), so those files are stored
     * off the database like the webhook's and served by {@code /api/whatsapp/media/{sha256}}.
     */
    @SuppressWarnings("unchecked")
    public void storeSourceMedia(Exchange exchange) {
        List<SourceDelivery> events = exchange.getProperty(ExchangeProperties.SOURCE_EVENTS, List.class);
        for (SourceDelivery e : events) {
            if ("media".equals(e.envelope().event())) {
                JsonNode media = e.envelope().data().path("messageMedia");
                if (media.path("data").isTextual()) {
                    extract(e.envelope(), media, media.path("data").textValue());
                } else if (waha != null && media.path("url").isTextual() && media instanceof ObjectNode messageMedia) {
                    download(e.envelope(), messageMedia);
                }
            }
        }
    }

    /**
     * WAHA's file into the store before the delivery is committed. A failed download does not fail the delivery:
     * the message is stored all the same, and the media event is archived with the reason in
     * {@code messageMedia.error}, so its route marks it failed and the API shows why.
     */
    private void download(EventEnvelope envelope, ObjectNode messageMedia) {
        try {
            MediaStore.StoredFile file = waha.download(messageMedia.path("url").textValue());
            messageMedia.put("storedAs", MediaStore.reference(file.sha256()));
            messageMedia.put("storedSize", file.size());
        } catch (IOException e) {
            messageMedia.put("error", "download from WAHA failed: " + e.getMessage());
            log.warn("media of event {} not downloaded from WAHA: {}", envelope.eventId(), e.getMessage());
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
