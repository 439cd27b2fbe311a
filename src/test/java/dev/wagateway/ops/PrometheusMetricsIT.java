package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;

/**
 * docs/operating.md's "Metrics to alert on", scraped from /actuator/prometheus over HTTP after real events: Camel's per-route
 * metrics (exchanges, failures, processing time by routeId) and the gateway's own (intake, archive, outputs). The
 * gateway always exposes the endpoint (application.yml), to the admin key on the application's port
 * (api.ActuatorGuard).
 */
@AutoConfigureObservability(tracing = false)   // Spring Boot tests leave metric exporters (Prometheus) off otherwise
@TestPropertySource(properties = {
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.api.admin-key=" + PrometheusMetricsIT.ADMIN_KEY})
class PrometheusMetricsIT extends PostgresGatewayTest {

    static final String ADMIN_KEY = "prometheus-scraper";
    /** A Prometheus scrape config's {@code authorization: {credentials: <key>}} sends this. */
    static final Map<String, String> SCRAPER = Map.of("Authorization", "Bearer " + ADMIN_KEY);

    private static FakeEndpoint crm;

    @DynamicPropertySource
    static void anHttpOutput(DynamicPropertyRegistry registry) throws IOException {
        crm = new FakeEndpoint();
        registry.add("gateway.outputs.http.crm.url", crm::url);
    }

    @AfterAll
    static void stop() {
        crm.close();
    }

    @Test
    void routeAndGatewayMetricsAreOnThePrometheusEndpoint() {
        assertThat(client.post("/api/whatsapp/webhook", Samples.forSession("message", "metrics")).status()).isEqualTo(200);
        assertThat(client.post("/api/whatsapp/webhook", Samples.forSession("ready", "metrics")).status()).isEqualTo(200);
        assertThat(client.post("/api/whatsapp/webhook", "{not json").status()).isEqualTo(400);
        // a media event whose file is not base64: stored, answered 200, its route fails (status failed)
        assertThat(client.post("/api/whatsapp/webhook", Samples.forSession("media", "metrics-bad")
                .replaceFirst("\"data\":\"[^\"]+\"", "\"data\":\"not*base64!!\"")).status()).isEqualTo(200);
        Await.until(Duration.ofSeconds(10), () -> crm.accepted().size() == 3, "the three events at the HTTP output");
        // the output counts a delivery and clears its outbox row just after the endpoint answered
        Await.until(Duration.ofSeconds(10), () -> count("wa_outbox") == 0 && client.get("/actuator/prometheus", SCRAPER).body()
                .contains("wagateway_output_sent_total{output=\"http-crm\"} 3.0"), "the deliveries counted");

        assertThat(client.get("/actuator/prometheus").status()).as("anonymous").isEqualTo(401);
        var scrape = client.get("/actuator/prometheus", SCRAPER);
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.header("content-type")).startsWith("text/plain");
        String text = scrape.body();

        // Camel, per route: exchanges, failures, processing time
        assertThat(value(text, "camel_exchanges_total", "routeId=\"webhook-intake\"")).isEqualTo(4);
        assertThat(value(text, "camel_exchanges_failed_total", "routeId=\"webhook-intake\"")).isZero();
        assertThat(value(text, "camel_route_policy_seconds_count", "routeId=\"webhook-intake\"")).isEqualTo(4);
        assertThat(text).contains("camel_route_policy_seconds_sum{").contains("camel_route_policy_seconds_max{");
        assertThat(value(text, "camel_exchanges_total", "routeId=\"event-message\"")).isEqualTo(1);
        assertThat(value(text, "camel_exchanges_total", "routeId=\"output-http-crm-delivery\"")).isEqualTo(3);
        assertThat(value(text, "camel_exchanges_failed_total", "routeId=\"event-media\"")).isEqualTo(1);
        assertThat(value(text, "camel_route_policy_seconds_bucket", "routeId=\"webhook-intake\",le=\"+Inf\"")).isEqualTo(4);
        assertThat(value(text, "camel_exchanges_failures_handled_total", "routeId=\"webhook-intake\"")).isEqualTo(1);

        // the gateway's own
        assertThat(value(text, "wagateway_intake_accepted_total", "event=\"message\"")).isEqualTo(1);
        assertThat(value(text, "wagateway_intake_rejected_total", "code=\"invalid_json\"")).isEqualTo(1);
        assertThat(text).contains("wagateway_archive_queued ");
        assertThat(value(text, "wagateway_output_sent_total", "output=\"http-crm\"")).isEqualTo(3);
        assertThat(value(text, "wagateway_output_backlog", "output=\"http-crm\"")).isZero();
        assertThat(text).contains("wagateway_output_backlog_oldest_seconds{output=\"http-crm\"")
                .contains("wagateway_output_circuit_open{output=\"http-crm\"");
        assertThat(value(text, "wagateway_output_disabled", "output=\"http-crm\"")).as("not failing: enabled").isZero();
    }

    /** The value of the one sample of {@code metric} whose labels contain {@code label}. */
    private static double value(String scrape, String metric, String label) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        List<Double> found = new java.util.ArrayList<>();
        while (m.find()) {
            if (m.group(1).contains(label)) {
                found.add(Double.parseDouble(m.group(2)));
            }
        }
        assertThat(found).as(metric + "{" + label + "} in\n" + grep(scrape, metric)).hasSize(1);
        return found.get(0);
    }

    private static String grep(String scrape, String metric) {
        return String.join("\n", scrape.lines().filter(l -> l.startsWith(metric)).toList());
    }
}
