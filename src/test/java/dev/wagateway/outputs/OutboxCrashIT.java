package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import com.fasterxml.jackson.databind.ObjectMapper;

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
 * and printed); after {@code SIGTERM} every event exactly once. The same gateway also publishes to Kafka (in this
 * JVM) and RabbitMQ (the local broker), which must end with every event too.
 */
class OutboxCrashIT {

    private static final int EVENTS = 2000;
    private static final int SESSIONS = 8;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static EmbeddedKafkaKraftBroker kafka;

    @BeforeAll
    static void startKafka() {
        kafka = new EmbeddedKafkaKraftBroker(1, 2);
        kafka.afterPropertiesSet();
    }

    @AfterAll
    static void stopKafka() {
        kafka.destroy();
    }

    @Test
    void killNineLosesNoAcknowledgedEvent() throws Exception {
        Outcome outcome = stopMidDelivery(true);
        assertThat(outcome.losses()).isZero();
        assertThat(outcome.brokerLosses()).as("Kafka and RabbitMQ").isZero();
        // At most what the lanes had delivered but not yet marked: 4 threads x 20 per lane run.
        assertThat(outcome.repeats()).isLessThanOrEqualTo(4 * 20);
    }

    @Test
    void sigtermLosesNothingAndRepeatsNothing() throws Exception {
        Outcome outcome = stopMidDelivery(false);
        assertThat(outcome.losses()).isZero();
        assertThat(outcome.repeats()).isZero();
        assertThat(outcome.brokerLosses()).as("Kafka and RabbitMQ").isZero();
        assertThat(outcome.brokerRepeats()).as("Kafka and RabbitMQ").isZero();
    }

    private record Outcome(int losses, int repeats, int brokerLosses, int brokerRepeats) {
    }

    private Outcome stopMidDelivery(boolean kill) throws Exception {
        String database = TestPostgres.createDatabase("crash");
        String prefix = "wagwcrash" + UUID.randomUUID().toString().substring(0, 6) + ".";
        CachingConnectionFactory rabbit = new CachingConnectionFactory("127.0.0.1", 5672);
        rabbit.setUsername("guest");
        rabbit.setPassword("guest");
        RabbitAdmin admin = new RabbitAdmin(rabbit);
        TopicExchange exchange = new TopicExchange(prefix + "loading_screen", true, false);
        Queue queue = new Queue(prefix + "crash-queue", false, false, false);
        admin.declareExchange(exchange);
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("#"));
        // As in production, the topic exists before the first event (creating it on the first send can outlast an
        // attempt's time limit).
        kafka.addTopics(prefix + "loading_screen");
        try (FakeEndpoint endpoint = new FakeEndpoint()) {
            endpoint.delay(40); // ~100 deliveries/s with 4 threads: well behind the senders, even on a slow machine
            List<String> arguments = TestPostgres.gatewayArguments(database,
                "--gateway.outputs.http.crash.url=" + endpoint.url(),
                    "--gateway.outputs.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                    "--gateway.outputs.kafka.topic-prefix=" + prefix,
                    "--gateway.outputs.rabbitmq.uri=amqp://guest:guest@127.0.0.1:5672",
                    "--gateway.outputs.rabbitmq.exchange-prefix=" + prefix,
                    "--gateway.outputs.delivery.consumers=4", "--gateway.outputs.delivery.lane-batch=20",
                    // An attempt that outlasts its time limit may still arrive (a repeat that has nothing to do with the stop):
                    // the Kafka producer's first send waits for the broker's metadata, seen taking over 3 s here.
                    "--gateway.outputs.delivery.timeout=10s", "--gateway.outputs.delivery.lease=25s",
                    "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                    "--gateway.rate-limit.trusted-per-minute=1000000",
                    "--gateway.media.dir=target/crash-media", "--logging.level.root=WARN", "--logging.level.dev.wagateway.outputs=DEBUG");
            List<String> accepted;
            int undeliveredAtStop;
            GatewayProcess first = GatewayProcess.start(List.of("-Xmx512m"), arguments);
            try {
                // One event first, delivered everywhere before the load: a Kafka producer's first sends wait for the
                // broker's metadata, and under the load that wait outlasted the 10 s attempt limit (seen in CI), which
                // makes a repeat that has nothing to do with the stop. Not one of the 2,000 counted below.
                assertThat(new WebhookClient(first.port()).post("/api/whatsapp/webhook/crash-warm-up",
                        "{\"event\":\"loading_screen\",\"data\":{\"percent\":0}}").status()).isEqualTo(200);
                Await.until(Duration.ofSeconds(60), () -> outboxEmpty(database), "the warm-up event delivered");
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

            Map<String, Integer> atKafka = new HashMap<>();
            Map<String, Integer> atRabbit = new HashMap<>();
            try (GatewayProcess second = GatewayProcess.start(List.of("-Xmx512m"), arguments)) {
                Await.until(Duration.ofSeconds(90), () -> distinctDelivered(endpoint, accepted) == EVENTS,
                        "every acknowledged event at the endpoint");
                Await.until(Duration.ofSeconds(30), () -> outboxEmpty(database), "the brokers' deliveries done");
                Thread.sleep(500); // a repeat still on its way would show now
            }
            readKafka(prefix + "loading_screen", atKafka);
            RabbitTemplate template = new RabbitTemplate(rabbit);
            Message m;
            while ((m = template.receive(queue.getName(), 500)) != null) {
                atRabbit.merge(MAPPER.readTree(m.getBody()).path("eventId").asText(), 1, Integer::sum);
            }
            admin.deleteQueue(queue.getName());
            admin.deleteExchange(exchange.getName());
            rabbit.destroy();
            int losses = EVENTS - distinctDelivered(endpoint, accepted);
            int repeats = 0;
            for (String id : accepted) {
                repeats += Math.max(0, endpoint.acceptedTimes(id) - 1);
            }
            int brokerLosses = 0;
            int brokerRepeats = 0;
            for (Map<String, Integer> broker : List.of(atKafka, atRabbit)) {
                for (String id : accepted) {
                    int times = broker.getOrDefault(id, 0);
                    brokerLosses += times == 0 ? 1 : 0;
                    brokerRepeats += Math.max(0, times - 1);
                }
            }
            System.out.printf("outbox crash test (%s): sent %d, acknowledged %d; HTTP endpoint: undelivered at stop %d, "
                    + "losses %d, repeats %d; Kafka + RabbitMQ: losses %d, repeats %d%n", kill ? "kill -9" : "SIGTERM",
                    EVENTS, accepted.size(), undeliveredAtStop, losses, repeats, brokerLosses, brokerRepeats);
            return new Outcome(losses, repeats, brokerLosses, brokerRepeats);
        }
    }

    private static boolean outboxEmpty(String database) {
        try (Connection c = DriverManager.getConnection(database, TestPostgres.USER, TestPostgres.PASSWORD);
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM wa_outbox")) {
            rs.next();
            return rs.getLong(1) == 0;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void readKafka(String topic, Map<String, Integer> seen) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "crash-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long quietSince = System.currentTimeMillis();
            long deadline = quietSince + 60_000;
            // Until every event has been seen and nothing more came for 2 s (repeats arrive with the rest).
            while (System.currentTimeMillis() < deadline
                    && (seen.size() < EVENTS || System.currentTimeMillis() - quietSince < 2_000)) {
                for (var record : consumer.poll(Duration.ofMillis(300))) {
                    seen.merge(MAPPER.readTree(record.value()).path("eventId").asText(), 1, Integer::sum);
                    quietSince = System.currentTimeMillis();
                }
            }
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
