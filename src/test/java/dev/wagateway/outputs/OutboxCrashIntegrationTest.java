package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.GatewayProcess;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The outbox's promise, with the gateway in a process of its own: 2,000 events posted and acknowledged, an HTTP
 * endpoint slow enough that hundreds are still undelivered when the gateway is stopped, then a new gateway on
 * the same database. After {@code kill -9} every event reaches the endpoint at least once (repeats are counted
 * and printed); after {@code SIGTERM} every event exactly once.
 */
class OutboxCrashIntegrationTest {

    private static final int EVENTS = 2000;
    private static final int SESSIONS = 8;

    @Test
    void killNineLosesNoAcknowledgedEvent() throws Exception {
        Outcome outcome = stopMidDelivery(true);
        assertThat(outcome.losses()).isZero();
        // At most what the lanes had delivered but not yet marked: 4 threads x 20 per lane run.
        assertThat(outcome.repeats()).isLessThanOrEqualTo(4 * 20);
    }

    @Test
    void sigtermLosesNothingAndRepeatsNothing() throws Exception {
        Outcome outcome = stopMidDelivery(false);
        assertThat(outcome.losses()).isZero();
        assertThat(outcome.repeats()).isZero();
    }

    private record Outcome(int losses, int repeats) {
    }

    private Outcome stopMidDelivery(boolean kill) throws Exception {
        String database = TestPostgres.createDatabase("crash");
        try (FakeEndpoint endpoint = new FakeEndpoint()) {
            endpoint.delay(25); // ~160 deliveries/s with 4 threads: slower than the senders
            List<String> arguments = List.of("--spring.datasource.url=" + database,
                    "--spring.datasource.username=" + TestPostgres.USER, "--spring.datasource.password=" + TestPostgres.PASSWORD,
                    "--gateway.outputs.http.crash.url=" + endpoint.url(),
                    "--gateway.outputs.delivery.consumers=4", "--gateway.outputs.delivery.lane-batch=20",
                    "--gateway.outputs.delivery.timeout=2s", "--gateway.outputs.delivery.lease=8s",
                    "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                    "--gateway.rate-limit.trusted-per-minute=1000000",
                    "--gateway.media.dir=target/crash-media", "--logging.level.root=WARN");
            List<String> accepted;
            int undeliveredAtStop;
            GatewayProcess first = GatewayProcess.start(List.of("-Xmx512m"), arguments);
            try {
                accepted = postAll(first.port());
                Await.until(Duration.ofSeconds(30), () -> endpoint.accepted().size() >= 100, "some deliveries made");
                if (kill) {
                    first.kill();
                } else {
                    first.terminate();
                }
                undeliveredAtStop = EVENTS - distinctDelivered(endpoint, accepted);
            } finally {
                first.close();
            }
            assertThat(undeliveredAtStop).as("hundreds undelivered when the gateway stopped").isGreaterThanOrEqualTo(200);

            try (GatewayProcess second = GatewayProcess.start(List.of("-Xmx512m"), arguments)) {
                Await.until(Duration.ofSeconds(90), () -> distinctDelivered(endpoint, accepted) == EVENTS,
                        "every acknowledged event at the endpoint");
                Thread.sleep(500); // a repeat still on its way would show now
            }
            int losses = EVENTS - distinctDelivered(endpoint, accepted);
            int repeats = 0;
            for (String id : accepted) {
                repeats += Math.max(0, endpoint.acceptedTimes(id) - 1);
            }
            System.out.printf("outbox crash test (%s): sent %d, acknowledged %d, undelivered at stop %d, losses %d, repeats %d%n",
                    kill ? "kill -9" : "SIGTERM", EVENTS, accepted.size(), undeliveredAtStop, losses, repeats);
            return new Outcome(losses, repeats);
        }
    }

    private static int distinctDelivered(FakeEndpoint endpoint, List<String> accepted) {
        int n = 0;
        for (String id : accepted) {
            n += endpoint.acceptedTimes(id) > 0 ? 1 : 0;
        }
        return n;
    }

    /** Every event posted once and acknowledged 200, as the stock server does: one sender thread per session. */
    private static List<String> postAll(int port) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(SESSIONS);
        try {
            List<Future<List<String>>> sessions = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                String session = "crash-" + s;
                sessions.add(senders.submit(() -> {
                    WebhookClient client = new WebhookClient(port);
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < EVENTS / SESSIONS; i++) {
                        Response r = client.post("/api/whatsapp/webhook/" + session,
                                "{\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}");
                        assertThat(r.status()).isEqualTo(200);
                        ids.add(r.json().path("eventId").asText());
                    }
                    return ids;
                }));
            }
            List<String> all = Collections.synchronizedList(new ArrayList<>());
            for (Future<List<String>> f : sessions) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            senders.shutdownNow();
        }
    }
}
