package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.Await;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;

/**
 * Issue 24, an output's {@code retry-schedule}, on PostgreSQL over real HTTP, the gateway run in this JVM and
 * started again on the same database:
 * <ul>
 * <li>a failed attempt stores its count and next try (the step ± the jitter) on the outbox row, and the next try
 * is not made before that time;</li>
 * <li>a gateway stopped and started again keeps both: it waits for the planned time, counts on from the stored
 * attempts, and dead-letters after the schedule's last step rather than starting the schedule over;</li>
 * <li>{@code order: none} delivers a session's later events while one waits for its retry, even events added
 * after the lane was set to wait for hours; {@code order: session} holds them back.</li>
 * </ul>
 */
class RetryScheduleIT {

    /** One request as the receiver saw it. */
    record Attempt(String path, String eventId, Instant at, int status) {
    }

    private HttpServer receiver;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private String database;
    private JdbcTemplate db;
    private ConfigurableApplicationContext gateway;

    @BeforeEach
    void receiverAndDatabase() throws IOException {
        // A real HTTP endpoint that refuses (500) every body carrying "refuse-me" and takes the others.
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.setExecutor(Executors.newCachedThreadPool());
        receiver.createContext("/", exchange -> {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            int status = body.contains("refuse-me") ? 500 : 200;
            attempts.add(new Attempt(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("X-Webhook-Event-Id"), Instant.now(), status));
            byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
        database = TestPostgres.createDatabase("retryschedule");
        db = TestPostgres.jdbc(database);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        receiver.stop(0);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    /** The gateway in this JVM on the test's database, on a free port; {@code settings} as --name=value. */
    private WebhookClient start(String... settings) {
        return run(TestPostgres.gatewayArguments(database), settings);
    }

    /** The same on the embedded database (H2, a fresh file), read through the gateway's own connection pool. */
    private WebhookClient startEmbedded(String... settings) {
        WebhookClient client = run(List.of("--gateway.data-dir=target/retry-schedule-h2/" + UUID.randomUUID()),
                settings);
        db = gateway.getBean(JdbcTemplate.class);
        return client;
    }

    private WebhookClient run(List<String> database, String... settings) {
        List<String> args = new ArrayList<>(database);
        args.addAll(List.of("--server.port=0",
                "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128", "--gateway.rate-limit.trusted-per-minute=100000",
                "--gateway.media.dir=target/retry-schedule-media", "--gateway.outputs.delivery.timeout=2s",
                "--gateway.outputs.delivery.failure-rate-threshold=100"));
        args.addAll(List.of(settings));
        gateway = new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
        return new WebhookClient(gateway.getEnvironment().getProperty("local.server.port", Integer.class));
    }

    private static String post(WebhookClient client, String session, int i, boolean refused) {
        String body = "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i
                + (refused ? ",\"message\":\"refuse-me\"" : "") + "}}";
        WebhookClient.Response r = client.post("/api/whatsapp/webhook", body);
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("eventId").asText();
    }

    private List<Attempt> attemptsOf(String path, String eventId) {
        return attempts.stream().filter(a -> a.path().equals(path) && eventId.equals(a.eventId())).toList();
    }

    private Map<String, Object> row(String output, String eventId) {
        List<Map<String, Object>> rows = db.queryForList(
                "SELECT attempts, next_attempt_at FROM wa_outbox WHERE output = ? AND event_id = CAST(? AS uuid)", output, eventId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static Instant instant(Object timestamp) {
        return timestamp instanceof OffsetDateTime o ? o.toInstant() : ((java.sql.Timestamp) timestamp).toInstant();
    }

    @Test
    void theNextTryIsStoredHonouredAndKeptAcrossARestart() throws Exception {
        String[] settings = {"--gateway.outputs.http.sched.url=" + url("/sched"),
                // The second step is long enough to span the restart, so the new process must wait for it.
                "--gateway.outputs.http.sched.retry-schedule=1s,10s", "--gateway.outputs.http.sched.retry-jitter=0.1"};
        WebhookClient client = start(settings);
        String refused = post(client, "sched", 1, true);
        String taken = post(client, "sched-other", 1, false);

        Await.until(Duration.ofSeconds(10), () -> attemptsOf("/sched", taken).size() == 1, "the other session delivered");
        Await.until(Duration.ofSeconds(10), () -> attemptsOf("/sched", refused).size() == 2, "the first retry made");
        Await.until(Duration.ofSeconds(5), () -> {
            Map<String, Object> r = row("http-sched", refused);
            return r != null && ((Number) r.get("attempts")).intValue() == 2;
        }, "the second failure counted on the row");
        List<Attempt> before = attemptsOf("/sched", refused);
        Duration firstWait = Duration.between(before.get(0).at(), before.get(1).at());
        assertThat(firstWait).as("the first retry waited its step, 1 s less at most 10 %")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofMillis(1100 + 1500));

        gateway.close();
        gateway = null;
        Map<String, Object> stored = row("http-sched", refused);
        Instant planned = instant(stored.get("next_attempt_at"));
        assertThat(((Number) stored.get("attempts")).intValue()).isEqualTo(2);
        Duration ahead = Duration.between(before.get(1).at(), planned);
        assertThat(ahead).as("the next try planned 10 s ± 10 % after the second failure")
                .isBetween(Duration.ofMillis(9000 - 200), Duration.ofMillis(11000 + 200));
        int made = attempts.size();

        client = start(settings);
        Instant up = Instant.now();
        System.out.printf("retry schedule test: restarted %d ms before the planned try%n",
                Duration.between(up, planned).toMillis());
        assertThat(up).as("the restart is quicker than the step it must wait out").isBefore(planned);
        String afterRestart = post(client, "sched-other", 2, false);
        Await.until(Duration.ofSeconds(10), () -> attemptsOf("/sched", afterRestart).size() == 1,
                "the restarted gateway delivering");
        assertThat(attemptsOf("/sched", refused)).as("nothing tried again before its planned time").hasSize(2);

        Await.until(Duration.ofSeconds(20), () -> db.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE event_id = CAST(? AS uuid) AND output = 'http-sched'", Long.class, refused) == 1,
                "the delivery dead-lettered after the schedule's last step");
        List<Attempt> all = attemptsOf("/sched", refused);
        assertThat(all).as("three attempts in all: the count went on from the stored 2, not from 0").hasSize(3);
        assertThat(all.get(2).at()).as("the third attempt not before its planned time").isAfterOrEqualTo(planned);
        assertThat(db.queryForObject("SELECT attempts FROM wa_dead_letters WHERE event_id = CAST(? AS uuid)", Integer.class, refused))
                .isEqualTo(3);
        assertThat(row("http-sched", refused)).isNull();
        assertThat(attempts.size()).isGreaterThan(made);
    }

    private String[] heldAndFree() {
        return new String[] {"--gateway.outputs.http.held.url=" + url("/held"),
                "--gateway.outputs.http.held.retry-schedule=30s",
                "--gateway.outputs.http.free.url=" + url("/free"),
                "--gateway.outputs.http.free.retry-schedule=30s",
                "--gateway.outputs.http.free.order=none"};
    }

    @Test
    void orderNoneLetsTheSessionGoOnWhileOrderSessionHoldsItBack() throws Exception {
        orderNoneAgainstSession(start(heldAndFree()));
    }

    /** The embedded database runs the same statements (lanes-deliveries of the due rows, wake-lane, lock-lane, failed-attempt). */
    @Test
    void orderNoneAndSessionOnTheEmbeddedDatabaseToo() throws Exception {
        orderNoneAgainstSession(startEmbedded(heldAndFree()));
    }

    private void orderNoneAgainstSession(WebhookClient client) throws Exception {
        String first = post(client, "lane", 1, true);
        String second = post(client, "lane", 2, false);

        Await.until(Duration.ofSeconds(10), () -> attemptsOf("/free", second).size() == 1,
                "order none: the later event delivered while the first waits");
        Await.until(Duration.ofSeconds(10), () -> attemptsOf("/held", first).size() == 1, "order session: first tried");
        assertThat(attemptsOf("/free", first)).hasSize(1);
        assertThat(attemptsOf("/free", first).get(0).status()).isEqualTo(500);
        assertThat(((Number) row("http-free", first).get("attempts")).intValue()).isEqualTo(1);

        // The lane now waits ~30 s for the first event's retry: an event added meanwhile goes out at once under
        // order none (its arrival makes the lane due), and waits behind the first under order session.
        String third = post(client, "lane", 3, false);
        Await.until(Duration.ofSeconds(5), () -> attemptsOf("/free", third).size() == 1,
                "order none: an event added while the lane waits for hours-away retries delivered at once");
        Thread.sleep(2000);
        assertThat(attemptsOf("/held", second)).as("order session: held behind the waiting first event").isEmpty();
        assertThat(attemptsOf("/held", third)).isEmpty();
        assertThat(attemptsOf("/held", first)).as("nor is the first tried before its time").hasSize(1);
        assertThat(attemptsOf("/free", first)).hasSize(1);
        assertThat(db.queryForObject("SELECT count(*) FROM wa_outbox WHERE output = 'http-held'", Long.class)).isEqualTo(3);
        assertThat(db.queryForList("SELECT event_id FROM wa_outbox WHERE output = 'http-free'", String.class))
                .containsExactly(first);
    }
}
