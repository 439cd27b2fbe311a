package dev.wagateway.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.wagateway.config.GatewayProperties;

/**
 * Reads the raw webhook body, enforcing the size limit while reading: a declared Content-Length over the maximum
 * is refused before a byte is read, and a chunked body is cut off one byte past the maximum. The exact bytes go
 * into the message body as {@code byte[]} for the authenticator and the normaliser.
 */
public class RequestBodyReader implements Processor {

    private static final int CHUNK = 64 * 1024;

    private final long maxBytes;

    public RequestBodyReader(GatewayProperties properties) {
        this.maxBytes = properties.getIntake().getMaxBodyBytes();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        HttpServletRequest request = IntakeExchange.servletRequest(exchange);
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge();
        }
        exchange.getMessage().setBody(read(request.getInputStream(), declared));
    }

    byte[] read(InputStream in, long declared) throws IOException {
        if (declared > 0) {
            // Known length: one array of exactly that size, no copies (a 60 MB media event stays 80 MB here).
            byte[] body = in.readNBytes((int) declared);
            if (in.read() != -1) {
                throw tooLarge();
            }
            return body;
        }
        int initial = 8192;
        ByteArrayOutputStream out = new ByteArrayOutputStream(initial);
        byte[] buffer = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxBytes) {
                throw tooLarge();
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private WebhookRejection tooLarge() {
        return new WebhookRejection(413, "payload_too_large", "request body exceeds " + maxBytes + " bytes");
    }
}
