package dev.wagateway.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.GatewayProcess;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * Two gateway processes on one PostgreSQL database, as behind a load balancer: what is shared is shared (the rate
 * limit, repeats, the outputs' work, the scheduled jobs), so two instances behave as one gateway.
 * Clients are told apart by X-Forwarded-For from the trusted loopback proxy.
 */
class TwoInstancesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String database;
    private static FakeEndpoint endpoint;
    private static final String ADMIN_KEY = "two-instances-admin";
    private static final Map<String, String> METRICS_READER =
            Map.of("Authorization", "Bearer " + ADMIN_KEY, "X-Forwarded-For", "198.51.100.99");

    private static GatewayProcess a;
    private static GatewayProcess b;

    @BeforeAll
    static void startBoth() throws Exception {
        database = TestPostgres.createDatabase("two");
        endpoint = new FakeEndpoint();
        List<String> arguments = TestPostgres.gatewayArguments(database,
                "--gateway.rate-limit.per-minute=10",
                "--gateway.api.admin-key=" + ADMIN_KEY, "--gateway.api.auth-failures-per-minute=4",
                "--gateway.rate-limit.trusted-proxies=127.0.0.1/32,::1/128",
                "--gateway.rate-limit.trusted-senders=198.51.100.0/24",
                "--gateway.rate-limit.trusted-per-minute=1000000",
                "--gateway.outputs.http.shared.url=" + endpoint.url(),
                "--gateway.retention.archive-days=1", "--gateway.retention.interval=1s",
                "--gateway.retention.initial-delay=1s",
                "--gateway.media.dir=target/two-instances-media", "--logging.level.root=WARN");
        a = GatewayProcess.start(List.of("-Xmx512m"), arguments);
        b = GatewayProcess.start(List.of("-Xmx512m"), arguments);
    }

    @AfterAll
    static void stopBoth() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void aClientOverTheLimitIsLimitedAcrossBothTogether() {
        Map<String, String> client = Map.of("X-Forwarded-For", "203.0.113.50");
        int accepted = 0;
        int limited = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            Response r = instance(i).post("/api/whatsapp/webhook/limited", body(i), client);
            if (r.status() == 200) {
                accepted++;
            } else {
                assertThat(r.status()).isEqualTo(429);
                limited++;
            }
        }
        // The bucket refills one token every 6 s (10 per minute); a slow first request may earn one more.
        long refilled = Duration.ofNanos(System.nanoTime() - start).toSeconds() / 6;
        assertThat(accepted).as("a limit of 10 per minute over both instances, not 10 on each")
                .isBetween(10, 10 + (int) refilled);
        assertThat(limited).isEqualTo(20 - accepted);
    }

    @Test
    void wrongAdminKeysCountOnBothInstancesTogether() {
        // four wrong keys a minute per client, spent alternately on A and B
        for (int i = 0; i < 4; i++) {
            Response r = instance(i).get("/api/whatsapp/sessions",
                    Map.of("X-Forwarded-For", "203.0.113.60", "Authorization", "Bearer guess-" + i));
            assertThat(r.status()).as("wrong key %d", i).isEqualTo(401);
        }
        for (GatewayProcess gateway : List.of(a, b)) {
            Response blocked = client(gateway).get("/actuator/metrics",
                    Map.of("X-Forwarded-For", "203.0.113.60", "Authorization", "Bearer " + ADMIN_KEY));
            assertThat(blocked.status()).isEqualTo(429);
            assertThat(blocked.header("Retry-After")).isNotNull();
        }
        assertThat(client(b).get("/api/whatsapp/sessions",
                Map.of("X-Forwarded-For", "203.0.113.61", "Authorization", "Bearer " + ADMIN_KEY)).status()).isEqualTo(200);
    }

    @Test
    void theSameDeliveryPostedToEachInstanceIsStoredOnce() throws Exception {
        Map<String, String> headers = Map.of("X-Forwarded-For", "198.51.100.1", "X-Delivery-Id", "retried-on-the-other");
        Response first = client(a).post("/api/whatsapp/webhook/repeat", body(1), headers);
        Response again = client(b).post("/api/whatsapp/webhook/repeat", body(1), headers);

        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("duplicate").asBoolean()).isTrue();
        assertThat(again.json().path("eventId").asText()).isEqualTo(first.json().path("eventId").asText());
        assertThat(count("SELECT count(*) FROM wa_events WHERE session_id = 'repeat'")).isEqualTo(1);
    }

    @Test
    void eachEventReachesTheOutputOnceInOrderWithBothInstancesDelivering() throws Exception {
        Map<String, String> sender = Map.of("X-Forwarded-For", "198.51.100.2");
        long sentBefore = sent(a) + sent(b);
        Map<String, List<String>> postedBySession = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            String session = "fanout-" + (i % 4);
            Response r = instance(i / 4).post("/api/whatsapp/webhook/" + session, body(i), sender);
            assertThat(r.status()).isEqualTo(200);
            postedBySession.computeIfAbsent(session, s -> new ArrayList<>()).add(r.json().path("eventId").asText());
        }
        List<String> posted = postedBySession.values().stream().flatMap(List::stream).toList();
        Await.until(Duration.ofSeconds(60), () -> posted.stream().allMatch(id -> endpoint.acceptedTimes(id) > 0),
                "all 200 events delivered");

        assertThat(posted).allSatisfy(id -> assertThat(endpoint.acceptedTimes(id)).as("deliveries of %s", id).isEqualTo(1));
        Map<String, List<String>> deliveredBySession = new LinkedHashMap<>();
        for (FakeEndpoint.Received r : endpoint.accepted()) {
            JsonNode envelope = JSON.readTree(r.body());
            deliveredBySession.computeIfAbsent(envelope.path("sessionId").asText(), s -> new ArrayList<>())
                    .add(r.header("X-Webhook-Event-Id"));
        }
        postedBySession.forEach((session, ids) ->
                assertThat(deliveredBySession.get(session)).as("order of %s", session).containsExactlyElementsOf(ids));
        // The sent counter goes up once the gateway has the receiver's answer, a moment after the receiver counted
        // the request: the last delivery's increment can still be on its way (199 of 200 seen on main, 1 run in 3).
        Await.until(Duration.ofSeconds(10), () -> sent(a) + sent(b) - sentBefore >= 200, "the sent counters to catch up");
        long sentByA = sent(a);
        long sentByB = sent(b);
        assertThat(sentByA + sentByB - sentBefore).as("deliveries made, both instances together").isEqualTo(200);
        assertThat(sentByA).as("instance A delivered some").isPositive();
        assertThat(sentByB).as("instance B delivered some").isPositive();
    }

    @Test
    void retentionRunsOnBothWithoutErrors() throws Exception {
        Map<String, String> sender = Map.of("X-Forwarded-For", "198.51.100.3");
        for (int i = 0; i < 30; i++) {
            assertThat(instance(i).post("/api/whatsapp/webhook/old-news", body(i), sender).status()).isEqualTo(200);
        }
        Await.until(Duration.ofSeconds(30),
                () -> count("SELECT count(*) FROM wa_outbox o JOIN wa_events e ON e.event_id = o.event_id"
                        + " WHERE e.session_id = 'old-news'") == 0, "old-news delivered");
        execute("UPDATE wa_events SET received_at = received_at - INTERVAL '3 days' WHERE session_id = 'old-news'");

        Await.until(Duration.ofSeconds(30), () -> count("SELECT count(*) FROM wa_events WHERE session_id = 'old-news'") == 0,
                "events past the retention deleted");
        Thread.sleep(2500); // a few more runs on each
        for (GatewayProcess gateway : List.of(a, b)) {
            assertThat(gateway.output()).doesNotContain("ERROR").doesNotContain("Exception");
        }
    }

    private static WebhookClient instance(int i) {
        return client(i % 2 == 0 ? a : b);
    }

    private static WebhookClient client(GatewayProcess gateway) {
        return new WebhookClient(gateway.port());
    }

    /** Deliveries this instance made to the output, from its metrics (no meter yet: none). */
    private static long sent(GatewayProcess gateway) {
        Response r = client(gateway).get("/actuator/metrics/wagateway.output.sent?tag=output:http-shared",
                METRICS_READER);
        if (r.status() == 404) {
            return 0;
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("measurements").path(0).path("value").asLong();
    }

    private static String body(int i) {
        return "{\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}";
    }

    private static long count(String sql) {
        return TestPostgres.jdbc(database).queryForObject(sql, Long.class);
    }

    private static void execute(String sql) {
        TestPostgres.jdbc(database).update(sql);
    }
}
