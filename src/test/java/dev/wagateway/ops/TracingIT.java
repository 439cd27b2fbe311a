package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.outputs.DeadLetterReplayer;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.FakeOtlpCollector;
import dev.wagateway.support.FakeOtlpCollector.ReceivedSpan;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * One trace per event, received by a real OTLP/HTTP endpoint (protobuf, decoded with opentelemetry-proto): the
 * webhook request's span, the store and route spans under it and one attempt span per output attempt, across the
 * outbox (the attempt runs on a delivery worker, later, from the traceparent kept on the outbox row), and the same
 * trace in the {@code traceparent} each HTTP output receives. A sender's own traceparent is honoured.
 */
@AutoConfigureObservability(metrics = false)   // Spring Boot tests switch tracing off otherwise
@TestPropertySource(properties = {
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.outputs.delivery.retries=3",
        "gateway.outputs.delivery.retry-delay=50ms",
        "gateway.outputs.delivery.timeout=2s",
        "management.tracing.opentelemetry.export.schedule-delay=100ms",
        // A batched output for events the other tests do not send: its retry, two seconds away, carries all that came.
        "gateway.outputs.http.batched.events=message_create,message_ack,media_uploaded",
        "gateway.outputs.http.batched.batch-size=5",
        "gateway.outputs.http.batched.retry-schedule=2s,2s",
        "gateway.outputs.http.batched.retry-jitter=0",
        // An output that dead-letters calls after one retry, for the replay's trace.
        "gateway.outputs.http.dead.events=call",
        "gateway.outputs.http.dead.retry-schedule=100ms"})
class TracingIT extends PostgresGatewayTest {

    /** OTLP span kinds (trace.proto): SERVER 2, PRODUCER 4. */
    private static final int SERVER = 2;
    private static final int PRODUCER = 4;

    private static FakeOtlpCollector collector;
    private static FakeEndpoint crm;
    private static FakeEndpoint erp;
    private static FakeEndpoint batched;
    private static FakeEndpoint dead;

    @Autowired
    DeadLetterReplayer replayer;

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) throws IOException {
        collector = new FakeOtlpCollector();
        crm = new FakeEndpoint();
        erp = new FakeEndpoint();
        registry.add("management.otlp.tracing.endpoint", collector::url);
        registry.add("gateway.outputs.http.crm.url", crm::url);
        registry.add("gateway.outputs.http.erp.url", erp::url);
        batched = new FakeEndpoint();
        registry.add("gateway.outputs.http.batched.url", batched::url);
        dead = new FakeEndpoint();
        registry.add("gateway.outputs.http.dead.url", dead::url);
    }

    @AfterAll
    static void stop() {
        collector.close();
        crm.close();
        erp.close();
        batched.close();
        dead.close();
    }

    @BeforeEach
    void fresh() {
        crm.reset();
        erp.reset();
        batched.reset();
        dead.reset();
    }

    @Test
    void aSendersTraceGoesOnThroughTheOutboxToEveryOutputAttempt() {
        String senderTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String senderSpan = "00f067aa0ba902b7";
        Response r = client.post("/api/whatsapp/webhook", Samples.forSession("message", "trace-sender"),
                Map.of("traceparent", "00-" + senderTrace + "-" + senderSpan + "-01"));
        assertThat(r.status()).isEqualTo(200);
        String eventId = r.json().path("eventId").asText();

        FakeEndpoint.Received atCrm = receivedBy(crm, eventId);
        FakeEndpoint.Received atErp = receivedBy(erp, eventId);
        List<ReceivedSpan> trace = awaitTrace(senderTrace, eventId, List.of("crm", "erp"));

        ReceivedSpan intake = only(trace, s -> s.kind() == SERVER);
        assertThat(intake.name()).startsWith("http post /api/whatsapp/webhook");
        assertThat(intake.parentSpanId()).isEqualTo(senderSpan);
        assertThat(intake.serviceName()).isEqualTo("whatsapp-webhook-gateway");
        ReceivedSpan store = only(trace, s -> s.name().equals("store event"));
        assertThat(store.parentSpanId()).isEqualTo(intake.spanId());
        assertThat(store.attribute("wagateway.event.id")).isEqualTo(eventId);
        assertThat(store.attribute("wagateway.event.type")).isEqualTo("message");
        assertThat(store.attribute("wagateway.session.id")).isEqualTo("trace-sender");
        assertThat(store.attribute("wagateway.outcome")).isEqualTo("processed");
        ReceivedSpan route = only(trace, s -> s.name().equals("route event"));
        assertThat(route.parentSpanId()).isEqualTo(store.spanId());

        for (var output : Map.of("crm", atCrm, "erp", atErp).entrySet()) {
            ReceivedSpan attempt = only(trace, s -> s.name().equals("deliver http-" + output.getKey()));
            assertThat(attempt.kind()).isEqualTo(PRODUCER);
            assertThat(attempt.parentSpanId()).isEqualTo(store.spanId());
            assertThat(attempt.attribute("wagateway.output")).isEqualTo("http-" + output.getKey());
            assertThat(attempt.attribute("wagateway.attempt")).isEqualTo("1");
            assertThat(attempt.attribute("wagateway.outcome")).isEqualTo("delivered");
            assertThat(attempt.attribute("wagateway.event.id")).isEqualTo(eventId);
            // The receiver is handed the attempt's own span as the parent of whatever it does with the event.
            assertThat(output.getValue().header("traceparent"))
                    .isEqualTo("00-" + senderTrace + "-" + attempt.spanId() + "-01");
        }
    }

    @Test
    void withoutATraceparentTheWebhookStartsTheTraceAndEachAttemptIsASpanOfIt() {
        erp.failNext(1);
        Response r = client.post("/api/whatsapp/webhook", Samples.forSession("message", "trace-new"));
        assertThat(r.status()).isEqualTo(200);
        String eventId = r.json().path("eventId").asText();

        FakeEndpoint.Received atCrm = receivedBy(crm, eventId);
        FakeEndpoint.Received atErp = receivedBy(erp, eventId);
        String traceId = atCrm.header("traceparent").split("-")[1];
        assertThat(atErp.header("traceparent").split("-")[1]).isEqualTo(traceId);
        List<ReceivedSpan> trace = awaitTrace(traceId, eventId, List.of("crm", "erp", "erp"));

        ReceivedSpan intake = only(trace, s -> s.kind() == SERVER);
        assertThat(intake.parentSpanId()).isEmpty();
        ReceivedSpan store = only(trace, s -> s.name().equals("store event"));
        // erp failed once: two attempts, numbered, the first a retry with an error status, the second delivered.
        List<ReceivedSpan> erpAttempts = trace.stream().filter(s -> s.name().equals("deliver http-erp"))
                .sorted((a, b) -> a.attribute("wagateway.attempt").compareTo(b.attribute("wagateway.attempt"))).toList();
        assertThat(erpAttempts).extracting(s -> s.attribute("wagateway.attempt")).containsExactly("1", "2");
        assertThat(erpAttempts).extracting(s -> s.attribute("wagateway.outcome")).containsExactly("retry", "delivered");
        assertThat(erpAttempts.get(0).statusCode()).isEqualTo(2); // STATUS_CODE_ERROR
        assertThat(erpAttempts).allSatisfy(s -> assertThat(s.parentSpanId()).isEqualTo(store.spanId()));
        assertThat(atErp.header("traceparent")).isEqualTo("00-" + traceId + "-" + erpAttempts.get(1).spanId() + "-01");
        // Stored on the row while it waited, and gone with it once delivered.
        // The row goes when the lane is handed back, a moment after the receiver answered.
        Await.until(Duration.ofSeconds(15), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_outbox WHERE event_id = CAST(? AS uuid)", Long.class, eventId) == 0,
                "the delivered rows gone from the outbox");
    }

    /** One request carries a batch of three events: each event's own trace has the attempt span that carried it. */
    @Test
    void everyEventOfABatchHasTheAttemptInItsOwnTrace() {
        batched.failNext(1);
        List<String> eventIds = new java.util.ArrayList<>();
        for (String sample : List.of("message_create", "message_ack", "media_uploaded")) {
            Response r = client.post("/api/whatsapp/webhook", Samples.forSession(sample, "trace-batch"));
            assertThat(r.status()).isEqualTo(200);
            eventIds.add(r.json().path("eventId").asText());
        }

        // The first attempt (the first event alone, or all three) failed; the retry two seconds later took the three.
        Await.until(Duration.ofSeconds(15), () -> batched.accepted().size() == 1, "the batch at " + batched.url());
        FakeEndpoint.Received batch = batched.accepted().get(0);
        assertThat(batch.header("x-webhook-batch")).isEqualTo("3");
        String carried = batch.header("traceparent");
        List<String> traceIds = new java.util.ArrayList<>();
        for (String eventId : eventIds) {
            Await.until(Duration.ofSeconds(20), () -> collector.spans().stream().anyMatch(s -> s.name().equals("deliver http-batched")
                    && eventId.equals(s.attribute("wagateway.event.id")) && "delivered".equals(s.attribute("wagateway.outcome"))),
                    "the delivered attempt span of " + eventId, () -> collector.spans().toString());
            ReceivedSpan attempt = collector.spans().stream().filter(s -> s.name().equals("deliver http-batched")
                    && eventId.equals(s.attribute("wagateway.event.id")) && "delivered".equals(s.attribute("wagateway.outcome")))
                    .findFirst().orElseThrow();
            assertThat(attempt.attribute("wagateway.batch.size")).isEqualTo("3");
            ReceivedSpan store = only(collector.trace(attempt.traceId()), s -> s.name().equals("store event"));
            assertThat(store.attribute("wagateway.event.id")).as("the attempt is in the event's own trace").isEqualTo(eventId);
            assertThat(attempt.parentSpanId()).isEqualTo(store.spanId());
            traceIds.add(attempt.traceId());
            if (eventId.equals(eventIds.get(0))) {
                // The request names the first event's attempt, the batch's head.
                assertThat(carried).isEqualTo("00-" + attempt.traceId() + "-" + attempt.spanId() + "-01");
            }
        }
        assertThat(traceIds).doesNotHaveDuplicates();
    }

    /** A dead letter keeps its trace: the replay's attempt is a span of the event's trace, its traceparent sent along. */
    @Test
    void aReplayedDeadLetterIsDeliveredInTheEventsTrace() {
        dead.mode(FakeEndpoint.Mode.DOWN);
        Response r = client.post("/api/whatsapp/webhook", Samples.forSession("call", "trace-dead"));
        assertThat(r.status()).isEqualTo(200);
        String eventId = r.json().path("eventId").asText();
        Await.until(Duration.ofSeconds(15), () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE event_id = CAST(? AS uuid) AND output = 'http-dead'", Long.class, eventId) == 1,
                "the dead letter of " + eventId);
        Map<String, Object> letter = jdbc.queryForMap(
                "SELECT id, traceparent FROM wa_dead_letters WHERE event_id = CAST(? AS uuid)", eventId);
        String traceId = ((String) letter.get("traceparent")).split("-")[1];
        String letterId = letter.get("id").toString();   // a java.util.UUID (uuid column, V19)

        dead.mode(FakeEndpoint.Mode.UP);
        assertThat(replayer.replay(letterId).delivered()).isTrue();

        FakeEndpoint.Received atDead = receivedBy(dead, eventId);
        Await.until(Duration.ofSeconds(20), () -> collector.trace(traceId).stream().anyMatch(s -> letterId.equals(
                s.attribute("wagateway.dead_letter.id"))), "the replay's span", () -> collector.trace(traceId).toString());
        List<ReceivedSpan> trace = collector.trace(traceId);
        ReceivedSpan store = only(trace, s -> s.name().equals("store event"));
        assertThat(store.attribute("wagateway.event.id")).isEqualTo(eventId);
        ReceivedSpan replay = only(trace, s -> letterId.equals(s.attribute("wagateway.dead_letter.id")));
        assertThat(replay.name()).isEqualTo("deliver http-dead");
        assertThat(replay.attribute("wagateway.outcome")).isEqualTo("delivered");
        assertThat(replay.parentSpanId()).isEqualTo(store.spanId());
        // the two failed attempts before it, dead_lettered at the end, are in the same trace
        assertThat(trace.stream().filter(s -> s.name().equals("deliver http-dead")).map(s -> s.attribute("wagateway.outcome")))
                .contains("retry", "dead_lettered", "delivered");
        assertThat(atDead.header("traceparent")).isEqualTo("00-" + traceId + "-" + replay.spanId() + "-01");
    }

    private static FakeEndpoint.Received receivedBy(FakeEndpoint endpoint, String eventId) {
        Await.until(Duration.ofSeconds(15), () -> endpoint.acceptedTimes(eventId) == 1, "the event at " + endpoint.url());
        return endpoint.accepted().stream().filter(x -> eventId.equals(x.header("x-webhook-event-id"))).findFirst()
                .orElseThrow();
    }

    /** Waits until the trace holds the intake's three spans and an attempt span per expected output attempt. */
    private static List<ReceivedSpan> awaitTrace(String traceId, String eventId, List<String> attempts) {
        Await.until(Duration.ofSeconds(20), () -> {
            List<ReceivedSpan> trace = collector.trace(traceId);
            long attemptSpans = trace.stream().filter(s -> s.name().startsWith("deliver ")).count();
            return attemptSpans >= attempts.size() && trace.stream().anyMatch(s -> s.kind() == SERVER)
                    && trace.stream().anyMatch(s -> s.name().equals("store event"))
                    && trace.stream().anyMatch(s -> s.name().equals("route event"));
        }, "the spans of event " + eventId, () -> collector.trace(traceId).toString());
        return collector.trace(traceId);
    }

    private static ReceivedSpan only(List<ReceivedSpan> trace, java.util.function.Predicate<ReceivedSpan> which) {
        List<ReceivedSpan> found = trace.stream().filter(which).toList();
        assertThat(found).as("spans of the trace: %s", trace).hasSize(1);
        return found.get(0);
    }
}
