package dev.wagateway.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WhatsApp server (wwebjs-api / whatsapp-api) seen from the console: starting a session there, which makes it
 * post the session's {@code qr} to the gateway, so a phone is linked from one screen. {@code GET
 * /session/start/{id}} with the server's {@code x-api-key} (the same key the server sends to the webhook,
 * WHATSAPP_API_KEY). Off (404) without WHATSAPP_SERVER_URL.
 */
class WhatsAppServer {

    private static final Logger log = LoggerFactory.getLogger(WhatsAppServer.class);

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http;

    public WhatsAppServer(String baseUrl, String apiKey, Duration timeout) {
        this.baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.trim().replaceAll("/+$", "");
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeout = timeout;
        // Only with a server to call: making a client loads the JDK's trust store, tens of ms of every start.
        this.http = this.baseUrl == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public boolean configured() {
        return baseUrl != null;
    }

    /** POST sessions/{sessionId}/start: 200 when the server started it, 502 with the server's reason when not. */
    public void start(Exchange exchange) {
        if (!configured()) {
            throw ApiError.notFound("whatsapp_server_not_configured",
                    "set WHATSAPP_SERVER_URL to start sessions from the gateway");
        }
        String sessionId = ApiSupport.sessionId(exchange);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/session/start/" + sessionId))
                .timeout(timeout).header("Accept", "application/json").GET();
        if (apiKey != null) {
            request.header("x-api-key", apiKey);
        }
        int status;
        String message;
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            message = serverMessage(response.body());
        } catch (IOException e) {
            log.warn("WhatsApp server at {} unreachable starting session {}: {}", baseUrl, sessionId, e.toString());
            throw new ApiError(502, "whatsapp_server_unreachable", "the WhatsApp server did not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(502, "whatsapp_server_unreachable", "the WhatsApp server did not answer");
        }
        if (status / 100 != 2) {
            throw new ApiError(502, "whatsapp_server_refused", "the WhatsApp server answered " + status
                    + (message == null ? "" : ": " + message));
        }
        ApiSupport.writeJson(exchange, 200, ApiSupport.mapper.createObjectNode().put("success", true)
                .put("sessionId", sessionId).put("message", message == null ? "session started" : message));
    }

    /** The server's {@code message} or {@code error}, short; never its whole body. */
    private static String serverMessage(String body) {
        JsonNode json = ApiSupport.parse(body);
        String text = json == null ? null : json.path("message").asText(json.path("error").asText(null));
        if (text == null || text.isBlank()) {
            return null;
        }
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
