package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.GatewayProcess;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * A {@code kill -9} must not park the dead process's lanes for the whole {@code lease} (60 s here, the default):
 * each instance holds a PostgreSQL advisory lock for its life, so the lanes of one whose lock is free are taken
 * back at once (store.InstanceLock, Outbox.takeBackDeadLeases). With the gateways in processes of their own and an
 * HTTP endpoint slow enough that every lane is leased when the process dies:
 * <ol>
 * <li>the only gateway is killed and started again: the new process takes its predecessor's lanes back before its
 * first claim, so deliveries go on within seconds of it answering, not a minute after the kill;</li>
 * <li>two gateways share the outbox and one is killed: the survivor takes the dead one's lanes within seconds;</li>
 * <li>the survivor's lock session is ended under it: it stops under its old id, takes a new lock, takes its own old
 * lanes back and goes on.</li>
 * </ol>
 * Each time every event reaches the endpoint, in each session's order once repeats are dropped, and repeated at
 * most {@code consumers} x {@code lane-batch} times (what the dead process had delivered and not yet marked: the
 * at-least-once bound of docs/outputs.md).
 */
class OutboxTakeoverIT {

    private static final int SESSIONS = 8;
    private static final int CONSUMERS = 8;
    private static final int LANE_BATCH = 20;
    private static final Duration LEASE = Duration.ofSeconds(60);
    /** "Well under the lease": how soon deliveries must go on, start-up of a new process excluded... */
    private static final Duration RESUMED_WITHIN = Duration.ofSeconds(10);
    /** ...and how soon everything must be delivered (the dead process's lanes alone would wait ~60 s). */
    private static final Duration DRAINED_WITHIN = Duration.ofSeconds(25);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void deadInstancesLanesResumeWithinSecondsNotAfterTheLease() throws Exception {
        String database = TestPostgres.createDatabase("takeover");
        JdbcTemplate db = TestPostgres.jdbc(database);
        try (FakeEndpoint endpoint = new FakeEndpoint()) {
            // 8 lanes x 200 ms per delivery: ~40 deliveries/s, well behind the senders, so every lane is busy (leased) at the kill.
            endpoint.delay(200);
            List<String> arguments = TestPostgres.gatewayArguments(database,
                    "--gateway.outputs.http.takeover.url=" + endpoint.url(),
                    "--gateway.outputs.delivery.consumers=" + CONSUMERS,
                    "--gateway.outputs.delivery.lane-batch=" + LANE_BATCH,
                    "--gateway.outputs.delivery.lease=" + LEASE.toSeconds() + "s",
                    "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                    "--gateway.rate-limit.trusted-per-minute=1000000",
                    "--gateway.media.dir=target/takeover-media", "--logging.level.root=WARN",
                    "--logging.level.dev.wagateway.outputs=INFO");
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            int atKill;

            // 1. The only gateway killed and started again.
            GatewayProcess first = GatewayProcess.start(List.of("-Xmx384m"), arguments);
            try {
                accepted.addAll(postAll(first.port(), "a", SESSIONS, 40));
                awaitSomeDelivered(endpoint, 40);
                int leased = leasedLanes(db);
                first.kill();
                Thread.sleep(300); // the dead process's requests in flight land (the endpoint counts them)
                int pending = undelivered(endpoint, accepted);
                atKill = endpoint.accepted().size();
                System.out.printf("takeover test, restart: %d lanes leased at the kill, %d of %d undelivered%n",
                        leased, pending, accepted.size());
                assertThat(leased).as("lanes leased at the kill").isGreaterThanOrEqualTo(SESSIONS / 2);
                assertThat(pending).as("deliveries left at the kill").isGreaterThanOrEqualTo(100);
            } finally {
                first.close();
            }
            GatewayProcess second = GatewayProcess.start(List.of("-Xmx384m"), arguments);
            try {
                long up = System.nanoTime();
                int before = atKill;
                Await.until(RESUMED_WITHIN, () -> endpoint.accepted().size() > before,
                        "deliveries going on within " + RESUMED_WITHIN.toSeconds() + " s of the restarted gateway answering");
                long resumed = System.nanoTime();
                Await.until(DRAINED_WITHIN, () -> undelivered(endpoint, accepted) == 0,
                        "every event delivered within " + DRAINED_WITHIN.toSeconds() + " s of the restarted gateway answering");
                System.out.printf("takeover test, restart: deliveries resumed %d ms and all done %d ms after the new"
                        + " process answered (lease %d s)%n", TimeUnit.NANOSECONDS.toMillis(resumed - up),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - up), LEASE.toSeconds());
                checkOrderAndRepeats(endpoint, accepted);

                // 2. Two gateways share the outbox; one is killed, the other takes its lanes back.
                endpoint.reset();
                endpoint.delay(200);
                accepted.clear();
                try (GatewayProcess third = GatewayProcess.start(List.of("-Xmx384m"), arguments)) {
                    // Twice as many sessions as one instance has threads, so both hold lanes.
                    accepted.addAll(postAll(second.port(), "b", 2 * SESSIONS, 20));
                    awaitSomeDelivered(endpoint, 40);
                    Map<String, Integer> holders = holders(db);
                    long kill = System.nanoTime();
                    second.kill();
                    int pending = undelivered(endpoint, accepted);
                    System.out.printf("takeover test, survivor: lanes per holder at the kill %s, %d of %d undelivered%n",
                            holders, pending, accepted.size());
                    assertThat(holders).as("both instances held lanes at the kill").hasSizeGreaterThanOrEqualTo(2);
                    Await.until(DRAINED_WITHIN, () -> undelivered(endpoint, accepted) == 0,
                            "every event delivered by the survivor within " + DRAINED_WITHIN.toSeconds() + " s of the kill");
                    System.out.printf("takeover test, survivor: all delivered %d ms after the kill%n",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kill));
                    checkOrderAndRepeats(endpoint, accepted);

                    // 3. The survivor loses the connection that holds its lock (an administrator ends the session):
                    // it stops claiming and attempting under its old id, takes a new lock with a new id, takes its
                    // old id's lanes back like a dead instance's, and goes on. No lane is delivered by two ids at once
                    // beyond the attempts in flight, so repeats stay within the bound.
                    endpoint.reset();
                    endpoint.delay(200);
                    accepted.clear();
                    accepted.addAll(postAll(third.port(), "c", SESSIONS, 30));
                    awaitSomeDelivered(endpoint, 40);
                    Map<String, Integer> holdersAtLoss = holders(db);
                    int ended = db.queryForObject("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE application_name = 'wagateway instance lock' AND datname = current_database()",
                            Integer.class);
                    int pendingAtLoss = undelivered(endpoint, accepted);
                    assertThat(ended).as("the survivor's lock session").isEqualTo(1);
                    Await.until(DRAINED_WITHIN, () -> undelivered(endpoint, accepted) == 0,
                            "every event delivered after the lock's connection was lost");
                    Await.until(Duration.ofSeconds(10), () -> db.queryForObject("SELECT count(*) FROM pg_stat_activity"
                            + " WHERE application_name = 'wagateway instance lock' AND datname = current_database()",
                            Integer.class) == 1, "a new lock session");
                    System.out.printf("takeover test, lost lock: holders before %s, undelivered at the loss %d%n",
                            holdersAtLoss.keySet(), pendingAtLoss);
                    checkOrderAndRepeats(endpoint, accepted);
                    assertThat(third.output()).contains("lost the connection that holds instance lock");
                    assertThat(third.isAlive()).isTrue();
                }
            } finally {
                second.close();
            }
        }
    }

    /** Every event once at least, each session's in order of acceptance once repeats are dropped, repeats bounded. */
    private static void checkOrderAndRepeats(FakeEndpoint endpoint, List<String> accepted) throws Exception {
        Thread.sleep(500); // a repeat still on its way would show now
        int repeats = 0;
        for (String id : accepted) {
            repeats += Math.max(0, endpoint.acceptedTimes(id) - 1);
        }
        Map<String, List<String>> firstSeen = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (FakeEndpoint.Received r : List.copyOf(endpoint.accepted())) {
            JsonNode envelope = MAPPER.readTree(r.body());
            if (seen.add(envelope.path("eventId").asText())) {
                firstSeen.computeIfAbsent(envelope.path("sessionId").asText(), s -> new ArrayList<>())
                        .add(envelope.path("eventId").asText());
            }
        }
        System.out.printf("takeover test: %d repeats (bound %d)%n", repeats, CONSUMERS * LANE_BATCH);
        assertThat(repeats).isLessThanOrEqualTo(CONSUMERS * LANE_BATCH);
        List<String> inOrder = new ArrayList<>();
        firstSeen.values().forEach(inOrder::addAll);
        assertThat(inOrder).containsExactlyInAnyOrderElementsOf(accepted);
        for (List<String> session : firstSeen.values()) {
            // postAll lists each session's ids in the order they were acknowledged.
            List<String> expected = accepted.stream().filter(session::contains).toList();
            assertThat(session).as("a session's events in order").containsExactlyElementsOf(expected);
        }
    }

    private static void awaitSomeDelivered(FakeEndpoint endpoint, int n) {
        Await.until(Duration.ofSeconds(30), () -> endpoint.accepted().size() >= n, "some deliveries made");
    }

    private static int leasedLanes(JdbcTemplate db) {
        return db.queryForObject("SELECT count(*) FROM wa_outbox_lanes WHERE lease_until > now()", Integer.class);
    }

    private static Map<String, Integer> holders(JdbcTemplate db) {
        Map<String, Integer> holders = new LinkedHashMap<>();
        db.query("SELECT leased_by, count(*) FROM wa_outbox_lanes WHERE lease_until > now() GROUP BY leased_by",
                rs -> {
                    holders.put(rs.getString(1), rs.getInt(2));
                });
        return holders;
    }

    private static int undelivered(FakeEndpoint endpoint, List<String> accepted) {
        int n = 0;
        for (String id : List.copyOf(accepted)) {
            n += endpoint.acceptedTimes(id) == 0 ? 1 : 0;
        }
        return n;
    }

    /** {@code perSession} events to each session, one sender thread per session; ids session by session, in order. */
    private static List<String> postAll(int port, String prefix, int sessionCount, int perSession) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(sessionCount);
        try {
            List<Future<List<String>>> sessions = new ArrayList<>();
            for (int s = 0; s < sessionCount; s++) {
                String session = "takeover-" + prefix + s;
                sessions.add(senders.submit(() -> {
                    WebhookClient client = new WebhookClient(port);
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < perSession; i++) {
                        Response r = client.post("/api/whatsapp/webhook/" + session,
                                "{\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}");
                        assertThat(r.status()).isEqualTo(200);
                        ids.add(r.json().path("eventId").asText());
                    }
                    return ids;
                }));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : sessions) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            return all;
        } finally {
            senders.shutdownNow();
        }
    }
}
