package dev.wagateway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.wagateway.GatewayApplication;
import dev.wagateway.security.HmacSha256;
import dev.wagateway.support.TestPostgres;

/**
 * The test kit for your own YAML routes (docs/routes.md, "Testing your routes"). Extend it and the whole gateway runs for
 * your test class: every route file of {@code routes/} (the shipped ones and yours; add files from elsewhere with
 * {@link #ROUTES}), on a random port, on a fresh PostgreSQL database. Then:
 * <ul>
 * <li>{@link #postSample(String)} posts one of {@code src/test/resources/samples/} over HTTP, as the WhatsApp
 * server does (signed or with the API key when the test configures one);</li>
 * <li>{@link #mock(String)} is a {@code mock:} endpoint your route sent to (point the route's endpoint at it with a
 * property, or use {@code @MockEndpointsAndSkip});</li>
 * <li>{@link #rows(String, Object...)} and {@link #awaitRows(int, String, Object...)} read tables.</li>
 * </ul>
 * Outputs (custom {@code direct:deliver-<name>} routes) run after the event is committed, on the outbox's threads:
 * wait for them ({@code MockEndpoint.assertIsSatisfied(timeout)}, {@code awaitRows}).
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class GatewayRouteTest {

    /**
     * Which route files run, as a {@code @TestPropertySource} entry; by default {@code routes/*.yaml}. Add your
     * files with a comma: {@code ROUTES + ",file:src/test/resources/my-route.yaml"}.
     */
    public static final String ROUTES = "camel.main.routes-include-pattern=file:routes/*.yaml";

    private static final Path SAMPLES = Path.of("src/test/resources/samples");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @Autowired
    protected CamelContext camel;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    private Environment environment;

    @DynamicPropertySource
    static void freshDatabase(DynamicPropertyRegistry registry) {
        TestPostgres.useFreshDatabase(registry, "routes");
        // a test posts faster than the WhatsApp server's 100/min per address
        registry.add("gateway.rate-limit.trusted-senders", () -> "127.0.0.1/32,::1/128");
    }

    /** What the gateway answered. */
    public record Answer(int status, String body) {
    }

    /** Posts {@code samples/<name>.json} as it is (its session is the sample's own, toko-jakarta). */
    protected Answer postSample(String name) {
        return post(sample(name));
    }

    /** Posts {@code samples/<name>.json} as an event of another session. */
    protected Answer postSample(String name, String sessionId) {
        return post(sample(name).replaceAll("\"sessionId\":\"[^\"]*\"", "\"sessionId\":\"" + sessionId + "\""));
    }

    /**
     * Posts a body to {@code POST /api/whatsapp/webhook}, signed when the test sets
     * {@code gateway.security.webhook-secret}, else with the API key when it sets {@code gateway.security.api-key}.
     * Note the repeat rule: the same body twice in a row for a session is answered {@code "duplicate":true}.
     */
    protected Answer post(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whatsapp/webhook"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        String secret = environment.getProperty("gateway.security.webhook-secret", "");
        String apiKey = environment.getProperty("gateway.security.api-key", "");
        if (!secret.isBlank()) {
            request.header("X-Webhook-Signature", new HmacSha256(secret).signatureHeader(bytes));
        } else if (!apiKey.isBlank()) {
            request.header("x-api-key", apiKey);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The text of {@code src/test/resources/samples/<name>.json}. */
    protected static String sample(String name) {
        try {
            return Files.readString(SAMPLES.resolve(name + ".json")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no sample " + name + " in " + SAMPLES, e);
        }
    }

    /** The {@code mock:} endpoint of that URI ({@code "mock:crm"}), for its expectations and what it received. */
    protected MockEndpoint mock(String uri) {
        return camel.getEndpoint(uri, MockEndpoint.class);
    }

    /** The rows a query returns now, each as column name (lower case) to value. */
    protected List<Map<String, Object>> rows(String sql, Object... args) {
        return jdbc.queryForList(sql, args);
    }

    /** The rows of a query once it returns {@code count} of them (an output writes after the answer), within 10 s. */
    protected List<Map<String, Object>> awaitRows(int count, String sql, Object... args) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Map<String, Object>> rows = rows(sql, args);
        while (rows.size() != count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " rows from " + sql + " within 10 s, got " + rows);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            rows = rows(sql, args);
        }
        return rows;
    }
}
