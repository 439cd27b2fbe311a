package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * What is a repeat (docs/SPEC.md, "Durability"): only a retry of the session's previous accepted event, or a
 * delivery id seen before. A phone that re-links, or a connection that blips, sends byte-identical bodies that are
 * new events: they are stored, routed and forwarded each time. Run on PostgreSQL and on the embedded database by
 * the two subclasses, over real HTTP with the stock server's bodies and a real HTTP output.
 */
@CamelSpringBootTest
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                "gateway.rate-limit.trusted-per-minute=100000"})
abstract class RepeatRulesScenarios {

    private static FakeEndpoint forward;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private WebhookClient client;

    static void forwardTo(DynamicPropertyRegistry registry) throws IOException {
        forward = new FakeEndpoint();
        registry.add("gateway.outputs.http.repeats.url", forward::url);
    }

    @AfterAll
    static void stopEndpoint() {
        forward.close();
    }

    @BeforeEach
    void connect() {
        client = new WebhookClient(port);
    }

    private Response post(String session, String body) {
        Response r = client.post("/api/whatsapp/webhook/" + session, body);
        assertThat(r.status()).as(body).isEqualTo(200);
        return r;
    }

    private static String stock(String sample) {
        // The per-session URL, as the stock server posts it: no sessionId needed in the body.
        return Samples.load(sample).replaceAll(",?\"sessionId\":\"[^\"]*\"", "");
    }

    private String status(String session) {
        return jdbc.queryForObject("SELECT status FROM wa_sessions WHERE session_id = ?", String.class, session);
    }

    private long stored(String session) {
        return jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = ?", Long.class, session);
    }

    @Test
    void aPhoneThatReLinksWithinTheWindowEndsReadyAndEveryEventReachesTheOutput() {
        String session = "relink-" + UUID.randomUUID().toString().substring(0, 8);
        String secondQr = stock("qr").replace("2@", "2@second-code-");
        List<String> sequence = List.of(stock("qr"), stock("authenticated"), stock("ready"), stock("disconnected"),
                secondQr, stock("authenticated"), stock("ready"));
        List<String> ids = new ArrayList<>();
        for (String body : sequence) {
            Response r = post(session, body);
            assertThat(r.json().has("duplicate")).as("%s is a new event", body).isFalse();
            ids.add(r.json().path("eventId").asText());
        }

        assertThat(new HashSet<>(ids)).hasSize(7);
        assertThat(stored(session)).isEqualTo(7);
        assertThat(status(session)).isEqualTo("ready");
        Await.until(Duration.ofSeconds(15), () -> ids.stream().allMatch(id -> forward.acceptedTimes(id) == 1),
                "all seven events at the HTTP output");
    }

    @Test
    void aConnectionBlipEndsConnected() {
        String session = "blip-" + UUID.randomUUID().toString().substring(0, 8);
        String connected = "{\"dataType\":\"change_state\",\"data\":{\"state\":\"CONNECTED\"}}";
        String opening = "{\"dataType\":\"change_state\",\"data\":{\"state\":\"OPENING\"}}";
        List<String> ids = new ArrayList<>();
        for (String body : List.of(connected, opening, connected)) {
            Response r = post(session, body);
            assertThat(r.json().has("duplicate")).as(body).isFalse();
            ids.add(r.json().path("eventId").asText());
        }

        assertThat(jdbc.queryForObject("SELECT state FROM wa_sessions WHERE session_id = ?", String.class, session))
                .isEqualTo("CONNECTED");
        assertThat(stored(session)).isEqualTo(3);
        Await.until(Duration.ofSeconds(15), () -> ids.stream().allMatch(id -> forward.acceptedTimes(id) == 1),
                "all three state changes at the HTTP output");
    }

    @Test
    void anIdenticalBodyRetriedAtOnceIsADuplicateAndIsForwardedOnce() throws Exception {
        String session = "retry-" + UUID.randomUUID().toString().substring(0, 8);
        Response first = post(session, stock("ready"));
        Response retry = post(session, stock("ready"));

        assertThat(retry.json().path("duplicate").asBoolean()).isTrue();
        String id = first.json().path("eventId").asText();
        assertThat(retry.json().path("eventId").asText()).isEqualTo(id);
        assertThat(stored(session)).isEqualTo(1);
        Await.until(Duration.ofSeconds(15), () -> forward.acceptedTimes(id) == 1, "the event at the HTTP output");
        Thread.sleep(300);
        assertThat(forward.acceptedTimes(id)).as("forwarded once").isEqualTo(1);
    }

    @Test
    void aNewDeliveryIdIsANewEventEvenWithTheSameBody() {
        String session = "ids-" + UUID.randomUUID().toString().substring(0, 8);
        Response a = client.post("/api/whatsapp/webhook/" + session, stock("ready"), Map.of("X-Delivery-Id", "d-1"));
        Response b = client.post("/api/whatsapp/webhook/" + session, stock("ready"), Map.of("X-Delivery-Id", "d-2"));
        Response retryOfA = client.post("/api/whatsapp/webhook/" + session, stock("authenticated"), Map.of("X-Delivery-Id", "d-1"));

        assertThat(b.json().has("duplicate")).isFalse();
        assertThat(retryOfA.json().path("duplicate").asBoolean()).as("a delivery id seen before decides alone").isTrue();
        assertThat(retryOfA.json().path("eventId").asText()).isEqualTo(a.json().path("eventId").asText());
        assertThat(stored(session)).isEqualTo(2);
    }

    @Test
    void concurrentDeliveriesOfOneBodyStoreOneEvent() throws Exception {
        String session = "race-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"dataType\":\"loading_screen\",\"data\":{\"percent\":42,\"message\":\"WhatsApp\"}}";
        int senders = 12;
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                WebhookClient own = new WebhookClient(port);
                answers.add(pool.submit(() -> {
                    start.await();
                    return own.post("/api/whatsapp/webhook/" + session, body);
                }));
            }
            start.countDown();
            Set<String> eventIds = new HashSet<>();
            int duplicates = 0;
            for (Future<Response> f : answers) {
                Response r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                eventIds.add(r.json().path("eventId").asText());
                duplicates += r.json().path("duplicate").asBoolean() ? 1 : 0;
            }
            assertThat(stored(session)).isEqualTo(1);
            assertThat(eventIds).as("every answer names the one stored event").hasSize(1);
            assertThat(duplicates).isEqualTo(senders - 1);
        } finally {
            pool.shutdownNow();
        }
    }
}
