package dev.wagateway.events;

import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;

import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.store.MediaStore;

/**
 * For the media event: writes data.messageMedia.data (base64) to the content-addressed {@link MediaStore} and
 * returns the named parameters for sql/messages/ and sql/media/: the message's columns plus the file's hash, size,
 * mimetype and original name (kept as metadata only, never as a path). Normally the {@link MediaExtractor} has
 * already stored the file on the intake; this decodes it only for an event archived with its base64.
 */
public class MediaColumns {

    private static final Pattern MIMETYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}");

    private final MessageColumns messages;
    private final MediaStore store;

    public MediaColumns(MessageColumns messages, MediaStore store) {
        this.messages = messages;
        this.store = store;
    }

    public Map<String, Object> media(Exchange exchange) throws IOException {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        JsonNode media = envelope.data().path("messageMedia");
        Map<String, Object> columns = messages.message(exchange);
        MediaStore.StoredFile file;
        String stored = MediaStore.hashOf(MessageColumns.textOrNull(media.path("storedAs")));
        if (stored != null) {
            // Already written by the MediaExtractor on the intake.
            file = new MediaStore.StoredFile(stored, store.size(stored));
        } else {
            JsonNode base64 = media.path("data");
            if (!base64.isTextual()) {
                String error = MessageColumns.textOrNull(media.path("error"));
                throw new IllegalArgumentException(error != null ? error
                        : "data.messageMedia.data is missing or not a base64 string");
            }
            file = store.store(base64.textValue());
        }

        columns.put("media_sha256", file.sha256());
        columns.put("media_size", file.size());
        columns.put("media_mimetype", mimetype(MessageColumns.textOrNull(media.path("mimetype"))));
        columns.put("media_filename", filename(MessageColumns.textOrNull(media.path("filename"))));
        return columns;
    }

    static String mimetype(String declared) {
        if (declared == null) {
            return "application/octet-stream";
        }
        String base = declared.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return MIMETYPE.matcher(base).matches() ? base : "application/octet-stream";
    }

    /** The sender's file name as metadata: no control characters, no directories, bounded. */
    static String filename(String declared) {
        if (declared == null) {
            return null;
        }
        String name = declared.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        StringBuilder clean = new StringBuilder();
        name.codePoints().filter(c -> c >= 0x20 && c != 0x7F).forEach(clean::appendCodePoint);
        String result = clean.toString().trim();
        if (result.isEmpty() || result.equals(".") || result.equals("..")) {
            return null;
        }
        return result.length() > 255 ? result.substring(0, 255) : result;
    }
}
