package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * Without an OTLP endpoint tracing is off, as if it were not there: no tracer, exporter or OpenTelemetry SDK is
 * made (Spring Boot alone would make a tracer that samples and exports nowhere), the outbox rows keep no
 * traceparent, and outputs get none, not even when the sender sent one.
 */
@AutoConfigureObservability(metrics = false)   // as in production: Spring Boot tests switch tracing off themselves
@TestPropertySource(properties = {
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.outputs.delivery.retries=5",
        "gateway.outputs.delivery.retry-delay=30s"})
class TracingOffIT extends PostgresGatewayTest {

    private static FakeEndpoint up;
    private static FakeEndpoint down;

    @Autowired
    ApplicationContext context;

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) throws IOException {
        up = new FakeEndpoint();
        down = new FakeEndpoint();
        down.mode(FakeEndpoint.Mode.DOWN);
        registry.add("gateway.outputs.http.up.url", up::url);
        registry.add("gateway.outputs.http.down.url", down::url);
    }

    @AfterAll
    static void stop() {
        up.close();
        down.close();
    }

    @Test
    void noTracerNoTraceparentOnTheOutboxNorOnTheOutputs() {
        assertThat(context.getBeanProvider(Tracer.class).getIfAvailable()).isNull();
        assertThat(context.getBeanNamesForType(SpanExporter.class)).isEmpty();
        assertThat(context.getBeanNamesForType(OpenTelemetry.class)).isEmpty();

        Response r = client.post("/api/whatsapp/webhook", Samples.forSession("message", "untraced"),
                Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        assertThat(r.status()).isEqualTo(200);
        String eventId = r.json().path("eventId").asText();

        Await.until(Duration.ofSeconds(15), () -> up.acceptedTimes(eventId) == 1, "the event at the up endpoint");
        FakeEndpoint.Received received = up.accepted().stream()
                .filter(x -> eventId.equals(x.header("x-webhook-event-id"))).findFirst().orElseThrow();
        assertThat(received.header("traceparent")).isNull();
        assertThat(received.header("tracestate")).isNull();

        // The down endpoint's delivery waits for its retry, on its row: no trace context kept there.
        Await.until(Duration.ofSeconds(15), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE event_id = CAST(? AS uuid) AND attempts > 0", Long.class, eventId) == 1,
                "the failed attempt on the outbox row");
        // The up endpoint's row goes when its lane is handed back, a moment after the delivery.
        assertThat(jdbc.queryForList("SELECT traceparent FROM wa_outbox WHERE event_id = CAST(? AS uuid) AND output = 'http-down'",
                String.class, eventId)).hasSize(1).containsOnlyNulls();
        Await.until(Duration.ofSeconds(5), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE event_id = CAST(? AS uuid) AND output = 'http-up'", Long.class, eventId) == 0,
                "the up endpoint's row gone once delivered");
    }
}
