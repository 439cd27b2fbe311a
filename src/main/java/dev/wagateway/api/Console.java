package dev.wagateway.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.wagateway.shared.ErrorBody;
import dev.wagateway.shared.HttpReply;

/**
 * The operator's console (routes/console.yaml): three static files from the classpath's console/ folder, served
 * behind the admin key like the read API they call. Only the named files exist (no path from the request reaches
 * the classpath). Every answer forbids framing and inline script (Content-Security-Policy), so even a payload
 * value that slipped past the page's escaping could not run.
 */
public class Console {

    /** script and style from the console itself only; images from the page's own blob: URLs (the QR PNG). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' blob: data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /** The browser's prompt understands Basic only; the read API's challenge also names Bearer for scripts. */
    static final String BROWSER_CHALLENGE = "Basic realm=\"whatsapp-gateway\", charset=\"UTF-8\"";

    private record Asset(byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final WhatsAppServer whatsAppServer;
    private final List<String> outputs;

    public Console(WhatsAppServer whatsAppServer, List<String> outputs) {
        this.whatsAppServer = whatsAppServer;
        this.outputs = List.copyOf(outputs);
        assets.put("index.html", load("index.html", "text/html; charset=utf-8"));
        assets.put("console.js", load("console.js", "text/javascript; charset=utf-8"));
        assets.put("console.css", load("console.css", "text/css; charset=utf-8"));
    }

    /** GET /console/ */
    public void page(Exchange exchange) {
        write(exchange, assets.get("index.html"));
    }

    /** GET /console/{asset}: console.js, console.css, index.html; anything else 404. */
    public void asset(Exchange exchange) {
        Asset asset = assets.get(ApiSupport.pathParameter(exchange, "asset", "invalid_asset"));
        if (asset == null) {
            throw ApiError.notFound("not_found", "no such console file");
        }
        write(exchange, asset);
    }

    /** GET /console: the page's relative links need the trailing slash. */
    public void redirect(Exchange exchange) {
        HttpReply.reset(exchange, 302, "text/plain", Map.of("Location", "/console/")).setBody(new byte[0]);
    }

    /** GET /api/whatsapp/console: what the page needs to know about this gateway (no secret, no address). */
    public void settings(Exchange exchange) {
        ObjectNode body = ApiSupport.mapper.createObjectNode().put("whatsappServer", whatsAppServer.configured());
        outputs.forEach(body.putArray("outputs")::add);
        ApiSupport.writeJson(exchange, 200, body);
    }

    /** The console routes' errors: the read API's JSON, with a 401 the browser answers with its own prompt. */
    public void error(Exchange exchange) {
        ApiError error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiError.class);
        Map<String, String> headers = new LinkedHashMap<>(error.headers());
        if (error.status() == 401) {
            headers.put("WWW-Authenticate", BROWSER_CHALLENGE);
        }
        headers.put("Cache-Control", "no-store");
        HttpReply.reset(exchange, error.status(), "application/json", headers);
        exchange.getMessage().setBody(ErrorBody.bytes(error.code(), error.getMessage()));
    }

    private static void write(Exchange exchange, Asset asset) {
        HttpReply.reset(exchange, 200, asset.contentType(), Map.of(
                "Content-Security-Policy", CONTENT_SECURITY_POLICY,
                "X-Frame-Options", "DENY",
                "X-Content-Type-Options", "nosniff",
                "Referrer-Policy", "no-referrer",
                "Cache-Control", "no-store")).setBody(asset.bytes());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = Console.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console file missing from the build: console/" + name);
            }
            return new Asset(in.readAllBytes(), contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
