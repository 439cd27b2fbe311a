package dev.wagateway.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.Semaphore;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.WebhookRejection;

/**
 * Reads the raw webhook body, enforcing the size limit while reading: a declared Content-Length over the maximum
 * is refused before a byte is read, and a chunked body is cut off one byte past the maximum. The exact bytes go
 * into the message body as {@code byte[]} for the authenticator and the normaliser.
 * <p>
 * Bodies held at once are also bounded across requests (media events carry files of tens of MB): a request whose
 * bytes would pass the budget is answered 503 so the sender retries, instead of running the heap out.
 */
class RequestBodyReader implements Processor {

    private static final int CHUNK = 64 * 1024;

    private final long maxBytes;
    private final Semaphore inFlight;

    public RequestBodyReader(long maxBodyBytes, long maxInFlightBytes) {
        this.maxBytes = maxBodyBytes;
        long budget = maxInFlightBytes;
        if (budget <= 0) {
            // A third of the heap, and never less than one body of the maximum size.
            budget = Math.max(Runtime.getRuntime().maxMemory() / 3, maxBytes);
        }
        this.inFlight = new Semaphore((int) Math.min(Integer.MAX_VALUE, Math.max(budget, CHUNK)));
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        HttpServletRequest request = ExchangeProperties.servletRequest(exchange);
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        Reservation reservation = new Reservation();
        // Released when the exchange is done, whatever happened: the bytes are referenced until then.
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                reservation.release();
            }
        });
        exchange.getMessage().setBody(read(request.getInputStream(), declared, reservation));
    }

    byte[] read(InputStream in, long declared, Reservation reservation) throws IOException {
        if (declared > 0) {
            reservation.take((int) declared);
            // Known length: one array of exactly that size, no copies (a 60 MB media event stays 80 MB here).
            byte[] body = in.readNBytes((int) declared);
            if (in.read() != -1) {
                throw tooLarge();
            }
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge();
            }
            reservation.take(n);
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    int available() {
        return inFlight.availablePermits();
    }

    private WebhookRejection tooLarge() {
        return new WebhookRejection(413, "payload_too_large", "request body exceeds " + maxBytes + " bytes");
    }

    /** The bytes one request holds of the shared budget. */
    final class Reservation {
        private int held;

        void take(int bytes) {
            if (!inFlight.tryAcquire(bytes)) {
                throw new WebhookRejection(503, "storage_unavailable",
                        "the gateway is holding too many large requests; retry later", Map.of("Retry-After", "5"));
            }
            held += bytes;
        }

        synchronized void release() {
            if (held > 0) {
                inFlight.release(held);
                held = 0;
            }
        }
    }
}
