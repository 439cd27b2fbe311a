package dev.wagateway.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import org.apache.camel.Exchange;

import dev.wagateway.shared.HttpReply;

/**
 * Serves the OpenAPI 3.1 description of the webhook and the read/admin API ({@value #RESOURCE}, a static file
 * kept by hand next to routes/*.yaml) at GET /api/whatsapp/openapi.json (routes/api.yaml). Anonymous: it holds no
 * secret, and a client generator or the console reads it before it has a key. OpenApiDocumentIT
 * checks that it is valid, that every route under /api/whatsapp is in it, and that the answers match it.
 */
class OpenApiDocument {

    public static final String RESOURCE = "openapi/openapi.json";

    private final byte[] json;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            this.json = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void serve(Exchange exchange) {
        // A copy per answer: the body is handed to the HTTP layer, the document stays as loaded.
        HttpReply.reset(exchange, 200, "application/json", Map.of("Cache-Control", "no-cache")).setBody(json.clone());
    }
}
