package dev.wagateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a loopback port standing in for an enterprise endpoint. Its behaviour is set per test:
 * up (200), down (500), failing the next N requests, or hanging. It records every request and each delivery it
 * accepted.
 */
public class FakeEndpoint implements AutoCloseable {

    public enum Mode { UP, DOWN, HANG }

    /** A request as the endpoint saw it. */
    public record Received(String body, Map<String, String> headers) {
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    private final HttpServer server;
    private volatile Mode mode = Mode.UP;
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile long delayMillis;
    private volatile double failRate;
    private volatile String poison;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> acceptedByEventId = new ConcurrentHashMap<>();

    public FakeEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Mode now = mode;
            if (now == Mode.HANG) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String poisoned = poison;
            boolean fail = now == Mode.DOWN || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
                    || (failRate > 0 && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < failRate)
                    || (poisoned != null && new String(body, StandardCharsets.UTF_8).contains(poisoned));
            int status = fail ? 500 : 200;
            if (!fail) {
                Map<String, String> headers = new java.util.HashMap<>();
                exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
                String text = new String(body, StandardCharsets.UTF_8);
                accepted.add(new Received(text, headers));
                String id = headers.getOrDefault("x-webhook-event-id", "?");
                acceptedByEventId.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            }
            byte[] answer = (fail ? "{\"error\":\"down\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public void failNext(int n) {
        failNext.set(n);
    }

    /** Every answer comes this late: a slow endpoint. */
    public void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Fails this share of requests at random (0 to 1). */
    public void failRandomly(double rate) {
        this.failRate = rate;
    }

    /** Fails every request whose body contains the text: an event this endpoint never takes. */
    public void refuseBodiesContaining(String text) {
        this.poison = text;
    }

    public int requests() {
        return requests.get();
    }

    public List<Received> accepted() {
        return accepted;
    }

    /** How many times the delivery of this event id was accepted (more than 1 = a duplicate). */
    public int acceptedTimes(String eventId) {
        AtomicInteger n = acceptedByEventId.get(eventId);
        return n == null ? 0 : n.get();
    }

    public void reset() {
        mode = Mode.UP;
        failNext.set(0);
        delayMillis = 0;
        failRate = 0;
        poison = null;
        requests.set(0);
        accepted.clear();
        acceptedByEventId.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
