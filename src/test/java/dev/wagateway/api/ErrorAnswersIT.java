package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.WebhookClient.Response;

/**
 * Every answer is ours: what Spring MVC answers (unknown path, method not allowed, unsupported content type, an
 * exception) and what Tomcat answers by itself (a header block over the limit, a malformed request line, TRACE)
 * is SPEC.md's JSON error, over real sockets. A webhook secret is configured, so a long signature header reaches the
 * authenticator and gets its 401.
 */
@TestPropertySource(properties = {
        "gateway.security.webhook-secret=" + ErrorAnswersIT.SECRET,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000"
})
@Import(ErrorAnswersIT.Failing.class)
class ErrorAnswersIT extends PostgresGatewayTest {

    static final String SECRET = "error-answers-secret-Qw7";
    static final String WEBHOOK = "/api/whatsapp/webhook";
    static final String LEAK = "Exception text with SELECT * FROM wa_events and " + SECRET;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Autowired
    ServletWebServerApplicationContext context;

    /** A Spring MVC handler that fails, and one that takes JSON only: errors outside the Camel routes. */
    @TestConfiguration
    @RestController
    @RequestMapping("/test-only")
    static class Failing {
        @RequestMapping("/boom")
        String boom() {
            throw new IllegalStateException(LEAK);
        }

        @RequestMapping("/half")
        void half(jakarta.servlet.http.HttpServletResponse response) throws IOException {
            response.setContentType("application/octet-stream");
            response.getOutputStream().write("first-half".getBytes(StandardCharsets.US_ASCII));
            response.flushBuffer();
            throw new IllegalStateException(LEAK);
        }

        @PostMapping(path = "/json-only", consumes = "application/json")
        String jsonOnly(@RequestBody String body) {
            return body;
        }
    }

    // --- what Spring MVC answers, through GatewayErrorController -----------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/api/whatsapp", "/api/whatsapp/nope", "/api/whatsapp/webhook/a/b", "/error"})
    void anUnknownPathIsANotFoundOfOurs(String path) {
        Response r = client.get(path);
        assertOurs(r.status(), r.headers(), r.body(), 404, "not_found");
    }

    @Test
    void aPostToAnUnknownPathIsANotFoundOfOurs() {
        Response r = client.post("/nope", "{\"sessionId\":\"x\",\"event\":\"qr\"}");
        assertOurs(r.status(), r.headers(), r.body(), 404, "not_found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "DELETE", "PATCH"})
    void anotherMethodOnTheWebhookIsAMethodNotAllowedOfOursWithAllow(String method) {
        for (String path : List.of(WEBHOOK, WEBHOOK + "/shop-1")) {
            Response r = send(method, path, "{\"sessionId\":\"shop-1\",\"event\":\"qr\"}", "application/json");
            assertOurs(r.status(), r.headers(), r.body(), 405, "method_not_allowed");
            assertThat(r.header("allow")).as("Allow on %s %s", method, path).contains("GET").contains("POST")
                    .doesNotContain(method);
        }
        assertThat(count("wa_events")).isZero();
    }

    @Test
    void headOnTheWebhookIsTheAvailabilityCheckNotAnInternalError() {
        for (String path : List.of(WEBHOOK, WEBHOOK + "/shop-1")) {
            Response r = send("HEAD", path, "", "application/json");
            assertThat(r.status()).as("HEAD %s", path).isEqualTo(200);
            assertThat(r.header("content-type")).isEqualTo("application/json");
            assertThat(r.body()).isEmpty();
        }
        assertThat(count("wa_events")).isZero();
    }

    @Test
    void anExceptionOutsideTheRoutesIsAnInternalErrorWithoutItsText() {
        Response r = client.get("/test-only/boom");
        assertOurs(r.status(), r.headers(), r.body(), 500, "internal_error");
        assertThat(r.body()).doesNotContain("SELECT", "IllegalState", "wa_events");
    }

    @Test
    void anAnswerThatHadBegunGetsNothingAppended() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /test-only/half HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("first-half")
                    .doesNotContain("success", "internal_error", "Exception", "SELECT", "<html");
        }
    }

    @Test
    void anUnsupportedContentTypeIsOurs() {
        Response r = send("POST", "/test-only/json-only", "x", "text/plain");
        assertOurs(r.status(), r.headers(), r.body(), 415, "unsupported_media_type");
    }

    // --- the header limit: a long signature reaches the authenticator ------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {10 * 1024, 60 * 1024})
    void aLongSignatureIsRefusedByTheAuthenticatorNotByTomcat(int length) {
        String signature = "sha256=" + "a".repeat(length);
        Response r = client.post(WEBHOOK, "{\"sessionId\":\"long-sig\",\"event\":\"qr\",\"data\":{\"qr\":\"x\"}}",
                Map.of("X-Webhook-Signature", signature));
        assertOurs(r.status(), r.headers(), r.body(), 401, "invalid_signature",
                "X-Webhook-Signature does not match the request body");
        assertThat(r.body()).doesNotContain("aaaaaaaa");
        assertThat(count("wa_events")).isZero();
    }

    // --- what Tomcat answers by itself, through JsonErrorReportValve -------------------------------------------

    @Test
    void aHeaderBlockOverTheLimitIsABadRequestOfOurs() throws IOException {
        String head = "POST " + WEBHOOK + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "X-Webhook-Signature: sha256=" + "a".repeat(100 * 1024) + "\r\nContent-Length: 2\r\n\r\n{}";
        Raw r = raw(head);
        assertOurs(r.status(), r.headers(), r.body(), 400, "bad_request");
        assertThat(count("wa_events")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GARBAGE\r\n\r\n", "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n", "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"})
    void aMalformedRequestIsABadRequestOfOurs(String request) throws IOException {
        Raw r = raw(request);
        assertOurs(r.status(), r.headers(), r.body(), 400, "bad_request");
    }

    @Test
    void traceIsRefusedByTomcatWithOurAnswer() throws IOException {
        Raw r = raw("TRACE " + WEBHOOK + " HTTP/1.1\r\nHost: x\r\nX-Echo-Me: secret-header-value\r\nConnection: close\r\n\r\n");
        assertOurs(r.status(), r.headers(), r.body(), 405, "method_not_allowed");
        assertThat(r.body()).doesNotContain("secret-header-value", "TRACE");
    }

    @Test
    void theJsonValveIsTheHostsOnlyErrorReportValve() {
        Valve[] valves = ((TomcatWebServer) context.getWebServer()).getTomcat().getHost().getPipeline().getValves();
        assertThat(Arrays.stream(valves).filter(v -> v instanceof ErrorReportValve).toList())
                .singleElement().isInstanceOf(JsonErrorReportValve.class);
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** SPEC.md's error shape, exactly, as JSON, with nothing of Spring's, Tomcat's or an exception's in it. */
    private static void assertOurs(int status, Map<String, String> headers, String body, int expectedStatus, String code) {
        assertOurs(status, headers, body, expectedStatus, code, ErrorAnswer.forStatus(expectedStatus).message());
    }

    private static void assertOurs(int status, Map<String, String> headers, String body, int expectedStatus, String code,
            String message) {
        assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
        assertThat(headers.get("content-type")).as("content type").isEqualTo("application/json");
        assertThat(headers).doesNotContainKey("server");
        assertThat(body).doesNotContain("Exception", "at dev.", "Tomcat", "<html", "timestamp", "\"path\"", "\"status\"",
                "trace", SECRET);
        JsonNode json;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertThat(json.isObject()).as("JSON object: %s", body).isTrue();
        assertThat(json.size()).as("only success, error, message: %s", body).isEqualTo(3);
        assertThat(json.path("success").isBoolean() && !json.path("success").asBoolean()).as("success false").isTrue();
        assertThat(json.path("error").asText()).isEqualTo(code);
        assertThat(json.path("message").asText()).isEqualTo(message);
    }

    private Response send(String method, String path, String body, String contentType) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType)
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            return new Response(response.statusCode(), headers, response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Raw(int status, Map<String, String> headers, String body) {
    }

    /** Bytes as given over a plain socket (no client would send these), the answer read until Tomcat closes. */
    private Raw raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (SocketException e) {
                // Tomcat may answer and close before the whole request is written; the answer is still there.
            }
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = answer.indexOf("\r\n\r\n");
            assertThat(end).as("an HTTP answer: %s", answer).isPositive();
            String[] lines = answer.substring(0, end).split("\r\n");
            assertThat(lines[0]).startsWith("HTTP/1.1 ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String body = answer.substring(end + 4);
            assertThat(headers.get("content-length")).as("Content-Length").isEqualTo(Integer.toString(body.length()));
            return new Raw(Integer.parseInt(lines[0].substring(9, 12)), headers, body);
        }
    }
}
