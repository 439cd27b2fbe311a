package dev.wagateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.wagateway.support.Await;
import dev.wagateway.support.GatewayProcess;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The sender never retries, so a wrong answer while the gateway starts or stops is a lost event. The gateway runs
 * in a process of its own and is posted to from the moment it is launched until after it has stopped.
 */
class StartAndStopIT {

    private static final String WEBHOOK = "/api/whatsapp/webhook";

    @Test
    void whileStartingTheWebhookAnswersJson503NeverA404AndReadinessWaitsForTheRoutes() throws Exception {
        String database = TestPostgres.createDatabase("startup");
        try (GatewayProcess gateway = GatewayProcess.launch(List.of("-Xmx512m"), arguments(database))) {
            WebhookClient client = new WebhookClient(gateway.port());
            Map<Integer, Integer> statuses = new TreeMap<>();
            List<Response> refusals = new ArrayList<>();
            boolean readyBeforeTheRoutes = false;
            int notListening = 0;
            Response accepted = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            for (int i = 0; accepted == null; i++) {
                assertThat(gateway.isAlive()).as("gateway running").isTrue();
                assertThat(System.nanoTime()).as("accepted within 90 s").isLessThan(deadline);
                try {
                    boolean ready = client.get("/actuator/health/readiness").status() == 200;
                    Response r = client.post(WEBHOOK, body("starting", i));
                    statuses.merge(r.status(), 1, Integer::sum);
                    if (r.status() == 200) {
                        accepted = r;
                    } else {
                        refusals.add(r);
                        readyBeforeTheRoutes |= ready;
                    }
                } catch (IllegalStateException notYetListening) {
                    notListening++;
                    Thread.sleep(20);
                }
            }

            assertThat(statuses.keySet()).as("answers while starting: %s", statuses).isSubsetOf(200, 503);
            // Tomcat listens seconds before Camel's routes exist: that window must have been answered by the gate.
            assertThat(refusals).as("posts answered while the routes were starting (%d not listening yet)", notListening)
                    .isNotEmpty();
            for (Response r : refusals) {
                assertThat(r.header("Content-Type")).startsWith("application/json");
                assertThat(r.error()).isEqualTo("starting");
                assertThat(r.header("Retry-After")).isEqualTo("1");
            }
            assertThat(readyBeforeTheRoutes).as("readiness UP while the webhook still answered 503").isFalse();
            assertThat(client.get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(storedEvents(database)).as("only the accepted delivery is stored").isEqualTo(1);
        }
    }

    @Test
    void onSigtermEveryAcknowledgedEventIsStoredAndNoAnswerIsWrong() throws Exception {
        String database = TestPostgres.createDatabase("sigterm");
        GatewayProcess gateway = GatewayProcess.start(List.of("-Xmx512m"), arguments(database));
        WebhookClient client = new WebhookClient(gateway.port());
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger noAnswer = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            String session = "sigterm-" + s;
            Thread t = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    try {
                        Response r = client.post(WEBHOOK, body(session, i));
                        statuses.merge(r.status(), 1, Integer::sum);
                        if (r.status() == 200) {
                            acknowledged.add(r.json().path("eventId").asText());
                        }
                    } catch (IllegalStateException e) {
                        noAnswer.incrementAndGet();
                        sleep(10);
                    }
                }
            });
            t.start();
            senders.add(t);
        }
        Await.until(Duration.ofSeconds(60), () -> acknowledged.size() >= 200, "200 events acknowledged");
        gateway.terminate();
        sleep(500);
        stop.set(true);
        for (Thread t : senders) {
            t.join(10_000);
        }
        gateway.close();

        assertThat(statuses.keySet()).as("answers around the stop: %s, %d without answer", statuses, noAnswer.get())
                .isSubsetOf(200, 503);
        assertThat(noAnswer.get()).as("posts refused once the gateway had stopped listening").isPositive();
        List<String> stored = storedEventIds(database);
        assertThat(stored).as("every acknowledged event committed").containsAll(acknowledged);
        assertThat(stored).hasSameSizeAs(acknowledged);
    }

    @Test
    void withADrainDelayReadinessGoesDownWhileWebhooksAreStillTaken() throws Exception {
        String database = TestPostgres.createDatabase("drain");
        List<String> arguments = new ArrayList<>(arguments(database));
        arguments.add("--gateway.shutdown.drain-delay=3s");
        try (GatewayProcess gateway = GatewayProcess.start(List.of("-Xmx512m"), arguments)) {
            WebhookClient client = new WebhookClient(gateway.port());
            assertThat(client.get("/actuator/health/readiness").status()).isEqualTo(200);
            gateway.signalTerminate();

            int takenWhileNotReady = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            for (int i = 0; System.nanoTime() < deadline && gateway.isAlive(); i++) {
                try {
                    int readiness = client.get("/actuator/health/readiness").status();
                    Response r = client.post(WEBHOOK, body("draining", i));
                    assertThat(r.status()).as("webhook answer while draining").isIn(200, 503);
                    if (readiness == 503 && r.status() == 200) {
                        takenWhileNotReady++;
                    }
                } catch (IllegalStateException stoppedListening) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(takenWhileNotReady).as("webhooks accepted with readiness already DOWN").isPositive();
        }
    }

    private static List<String> arguments(String database) {
        return TestPostgres.gatewayArguments(database,
                "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                "--gateway.rate-limit.trusted-per-minute=1000000",
                "--gateway.media.dir=target/start-stop-media", "--logging.level.root=WARN");
    }

    private static String body(String session, int i) {
        return "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}";
    }

    private static long storedEvents(String database) {
        return storedEventIds(database).size();
    }

    private static List<String> storedEventIds(String database) {
        return TestPostgres.jdbc(database).queryForList("SELECT event_id FROM wa_events", String.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
