package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;

/**
 * Issue 24, failing endpoints, on PostgreSQL with a real HTTP endpoint that fails and a real SMTP server
 * (GreenMail): an output that failed every attempt for its {@code disable-after} (2 s here) is disabled; while it
 * is, nothing reaches the endpoint, its deliveries (also those accepted meanwhile) wait in the outbox and none is
 * dead-lettered, the API shows it disabled with since when and why, and an alert mail arrives. The state is in the
 * database: a gateway started again on it, and a second instance beside it, find the output still disabled. The
 * admin call on one enables it on both, and the backlog is delivered, each session's events in the order they were
 * accepted.
 */
class FailingEndpointIT {

    static final String ADMIN_KEY = "failing-admin";
    static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_KEY);
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SESSIONS = List.of("toko-a", "toko-b", "toko-c");

    private FakeEndpoint endpoint;
    private GreenMail smtp;
    private String database;
    private JdbcTemplate db;
    /** The gateways running on the test's database, in this JVM. */
    private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

    @BeforeEach
    void endpointMailAndDatabase() throws Exception {
        endpoint = new FakeEndpoint();
        endpoint.mode(FakeEndpoint.Mode.DOWN);
        smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        smtp.start();
        database = TestPostgres.createDatabase("failing");
        db = TestPostgres.jdbc(database);
    }

    @AfterEach
    void stop() {
        gateways.forEach(ConfigurableApplicationContext::close);
        endpoint.close();
        smtp.stop();
    }

    /** A gateway on the test's database, on a free port; several at once share its outbox like instances do. */
    private WebhookClient start() {
        return run(TestPostgres.gatewayArguments(database));
    }

    /** The same on the embedded database (H2, a fresh file), read through the gateway's own connection pool. */
    private WebhookClient startEmbedded() {
        WebhookClient client = run(List.of("--gateway.data-dir=target/failing-endpoint-h2/" + UUID.randomUUID()));
        db = gateways.get(gateways.size() - 1).getBean(JdbcTemplate.class);
        return client;
    }

    private WebhookClient run(List<String> store) {
        List<String> args = new ArrayList<>(store);
        args.addAll(List.of("--server.port=0", "--gateway.api.admin-key=" + ADMIN_KEY,
                "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                "--gateway.rate-limit.trusted-per-minute=100000",
                "--gateway.media.dir=target/failing-endpoint-media",
                "--gateway.outputs.http.crm.url=" + endpoint.url(),
                "--gateway.outputs.http.crm.disable-after=2s",
                // Retries every 300 ms for 9 s: well past the window, so nothing is dead-lettered before it ends.
                "--gateway.outputs.http.crm.retry-schedule=" + String.join(",", java.util.Collections.nCopies(30, "300ms")),
                "--gateway.outputs.http.crm.retry-jitter=0",
                // The circuit stays closed: every attempt reaches the endpoint and fails there.
                "--gateway.outputs.delivery.minimum-calls=100000", "--gateway.outputs.delivery.window-size=100000",
                "--gateway.outputs.delivery.timeout=2s",
                "--gateway.outputs.mail.to=ops@example.com", "--gateway.outputs.mail.from=gateway@example.com",
                "--gateway.outputs.mail.smtp-host=127.0.0.1",
                "--gateway.outputs.mail.smtp-port=" + smtp.getSmtp().getPort()));
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .run(args.toArray(String[]::new));
        gateways.add(gateway);
        return new WebhookClient(gateway.getEnvironment().getProperty("local.server.port", Integer.class));
    }

    private static String post(WebhookClient client, String session, int i) {
        WebhookClient.Response r = client.post("/api/whatsapp/webhook",
                "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}");
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("eventId").asText();
    }

    private static JsonNode crm(WebhookClient client) {
        WebhookClient.Response r = client.get("/api/whatsapp/outputs", ADMIN);
        assertThat(r.status()).isEqualTo(200);
        for (JsonNode item : r.json().path("items")) {
            if (item.path("name").asText().equals("http-crm")) {
                return item;
            }
        }
        throw new AssertionError("http-crm not listed: " + r.body());
    }

    private long count(String sql) {
        return db.queryForObject(sql, Long.class);
    }

    /** Events of three sessions, accepted in order, by session. */
    private final Map<String, List<String>> accepted = new LinkedHashMap<>();

    /**
     * Posts three events per session to a failing endpoint, waits for the output to be disabled and checks it:
     * the API, the alert, and that while disabled nothing is attempted, a fourth event per session waits too, and
     * nothing is dead-lettered. Returns the API's item as the output was disabled.
     */
    private JsonNode disabledAfterItsWindow(WebhookClient client) throws Exception {
        SESSIONS.forEach(s -> accepted.put(s, new ArrayList<>()));
        for (int i = 1; i <= 3; i++) {
            for (String s : SESSIONS) {
                accepted.get(s).add(post(client, s, i));
            }
        }
        assertThat(crm(client).path("state").asText()).isEqualTo("enabled");

        Instant posted = Instant.now();
        Await.until(Duration.ofSeconds(15), () -> crm(client).path("state").asText().equals("disabled"),
                "the output disabled after failing for 2 s");
        JsonNode off = crm(client);
        Instant disabledAt = Instant.parse(off.path("disabledAt").asText());
        Instant failingSince = Instant.parse(off.path("failingSince").asText());
        System.out.printf("failing endpoint test: disabled %d ms after the first failure (window 2000 ms), %d ms after"
                + " the posts; %d requests failed%n", Duration.between(failingSince, disabledAt).toMillis(),
                Duration.between(posted, disabledAt).toMillis(), endpoint.requests());
        assertThat(Duration.between(failingSince, disabledAt)).as("not before the window")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(5));
        assertThat(off.path("lastError").asText()).contains("500");
        assertThat(off.path("disabledReason").asText()).startsWith("every attempt failed for 2s (since ")
                .contains("500");
        assertThat(off.path("disableAfterSeconds").asLong()).isEqualTo(2);
        assertThat(off.path("lastSuccessAt").isNull()).isTrue();

        // The alert, through the mail output's SMTP settings.
        Await.until(Duration.ofSeconds(15), () -> smtp.getReceivedMessages().length > 0, "the alert mail");
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[WhatsApp gateway] output http-crm disabled: failing for 2s");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ops@example.com");
        assertThat(mail.getContent().toString()).contains("Output:        http-crm")
                .contains("Failing since: " + failingSince).contains("Waiting:       9 deliveries")
                .contains("/api/whatsapp/outputs/http-crm/enable");

        // Disabled: nothing is attempted, later events wait too, nothing becomes a dead letter.
        int requests = endpoint.requests();
        for (String s : SESSIONS) {
            accepted.get(s).add(post(client, s, 4));
        }
        Thread.sleep(3000);
        assertThat(endpoint.requests()).as("no attempt reaches the endpoint while disabled").isEqualTo(requests);
        assertThat(count("SELECT count(*) FROM wa_outbox WHERE output = 'http-crm'")).isEqualTo(12);
        assertThat(count("SELECT count(*) FROM wa_dead_letters")).isZero();
        assertThat(crm(client).path("backlog").asLong()).isEqualTo(12);
        return off;
    }

    /** The endpoint healthy, the output enabled: every session's events arrive once, in the order accepted. */
    private void backlogDeliveredInOrder() throws Exception {
        Await.until(Duration.ofSeconds(15), () -> endpoint.accepted().size() >= 12, "the backlog delivered");
        Await.until(Duration.ofSeconds(5), () -> count("SELECT count(*) FROM wa_outbox") == 0, "the outbox empty");
        Map<String, List<String>> delivered = new LinkedHashMap<>();
        SESSIONS.forEach(s -> delivered.put(s, new ArrayList<>()));
        for (FakeEndpoint.Received r : endpoint.accepted()) {
            JsonNode envelope = JSON.readTree(r.body());
            delivered.get(envelope.path("sessionId").asText()).add(envelope.path("eventId").asText());
        }
        assertThat(delivered).as("each session's events once, in the order they were accepted").isEqualTo(accepted);
        assertThat(count("SELECT count(*) FROM wa_dead_letters")).isZero();
    }

    @Test
    void disabledAfterFailingForItsWindowAlertedKeptAcrossARestartAndEnabledWithItsBacklogInOrder() throws Exception {
        JsonNode off = disabledAfterItsWindow(start());
        int requests = endpoint.requests();

        // Kept in the database: the gateway started again on it, and a second instance beside it, hold the output off.
        gateways.remove(0).close();
        WebhookClient restarted = start();
        WebhookClient second = start();
        for (WebhookClient instance : List.of(restarted, second)) {
            assertThat(crm(instance).path("state").asText()).isEqualTo("disabled");
            assertThat(crm(instance).path("disabledAt").asText()).isEqualTo(off.path("disabledAt").asText());
        }
        Thread.sleep(2000);
        assertThat(endpoint.requests()).as("nor after the restart, on either instance").isEqualTo(requests);

        // Only an admin enables it, and a browser's request only from the console.
        assertThat(restarted.post("/api/whatsapp/outputs/http-crm/enable", "", Map.of()).status()).isEqualTo(401);
        assertThat(restarted.post("/api/whatsapp/outputs/http-nothing/enable", "", ADMIN).status()).isEqualTo(404);
        endpoint.mode(FakeEndpoint.Mode.UP);
        // Enabled on one instance, for both: they share the lanes, each session's events in order all the same.
        WebhookClient.Response enabled = second.post("/api/whatsapp/outputs/http-crm/enable", "", ADMIN);
        assertThat(enabled.status()).isEqualTo(200);
        assertThat(enabled.json().path("wasDisabled").asBoolean()).isTrue();
        assertThat(enabled.json().path("state").asText()).isEqualTo("enabled");

        backlogDeliveredInOrder();

        assertThat(crm(restarted).path("state").asText()).as("the other instance's view").isEqualTo("enabled");
        JsonNode on = crm(second);
        assertThat(on.path("state").asText()).isEqualTo("enabled");
        assertThat(on.path("disabledAt").isNull()).isTrue();
        assertThat(on.path("failingSince").isNull()).as("the clock reset, and stopped by the successes").isTrue();
        assertThat(on.path("lastSuccessAt").isNull()).isFalse();
        // A new event goes at once; enabling an output that is on changes nothing but answers the same.
        String fresh = post(restarted, "toko-a", 5);
        Await.until(Duration.ofSeconds(5), () -> endpoint.acceptedTimes(fresh) == 1, "a new event delivered");
        WebhookClient.Response again = restarted.post("/api/whatsapp/outputs/http-crm/enable", "", ADMIN);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("wasDisabled").asBoolean()).isFalse();
        assertThat(smtp.getReceivedMessages()).as("one alert in all").hasSize(1);
    }

    /** The embedded database runs the same statements (output-health/*, the claim, the enable's resets). */
    @Test
    void onTheEmbeddedDatabaseToo() throws Exception {
        WebhookClient client = startEmbedded();
        disabledAfterItsWindow(client);
        endpoint.mode(FakeEndpoint.Mode.UP);
        WebhookClient.Response enabled = client.post("/api/whatsapp/outputs/http-crm/enable", "", ADMIN);
        assertThat(enabled.status()).isEqualTo(200);
        assertThat(enabled.json().path("wasDisabled").asBoolean()).isTrue();
        backlogDeliveredInOrder();
        assertThat(crm(client).path("state").asText()).isEqualTo("enabled");
    }
}
