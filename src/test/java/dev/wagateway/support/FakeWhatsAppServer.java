package dev.wagateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a loopback port standing in for the WhatsApp server's {@code GET /session/start/{id}}
 * (wwebjs-api): 200 {@code {success, message}}, or 422 for the session id {@code refused}, as the server answers
 * a session it will not start. Records each start as {@code "<method> <id> <x-api-key>"}.
 */
public class FakeWhatsAppServer implements AutoCloseable {

    /** The session id this server refuses to start. */
    public static final String REFUSED = "refused";

    private final HttpServer server;
    private final List<String> starts = new CopyOnWriteArrayList<>();

    public FakeWhatsAppServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/session/start/", exchange -> {
            String id = exchange.getRequestURI().getPath().substring("/session/start/".length());
            starts.add(exchange.getRequestMethod() + " " + id + " " + exchange.getRequestHeaders().getFirst("x-api-key"));
            boolean refuse = id.equals(REFUSED);
            byte[] body = (refuse ? "{\"success\":false,\"error\":\"Session already exists for: refused\"}"
                    : "{\"success\":true,\"message\":\"Session initiated successfully\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(refuse ? 422 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** The base URL, as WHATSAPP_SERVER_URL takes it. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Each start request, in order: {@code "GET <id> <x-api-key>"}. */
    public List<String> starts() {
        return starts;
    }

    public void clear() {
        starts.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
