package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeOtlpCollector;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;

/**
 * The broker outputs against real brokers: an in-process Kafka (KRaft) and the RabbitMQ server on this machine
 * (127.0.0.1:5672, guest/guest). Messages are read back with their key / routing key, body and headers, the
 * {@code traceparent} among them: tracing is on (spans to a real OTLP/HTTP endpoint), and each message names the
 * span of the attempt that published it.
 */
@AutoConfigureObservability(metrics = false)   // Spring Boot tests switch tracing off otherwise
@TestPropertySource(properties = {
        "management.tracing.opentelemetry.export.schedule-delay=100ms",
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.rabbitmq.uri=amqp://guest:guest@127.0.0.1:5672",
        "gateway.outputs.delivery.retry-delay=100ms"})
class BrokerOutputsIT extends PostgresGatewayTest {

    private static final String PREFIX = "wagwtest" + UUID.randomUUID().toString().substring(0, 6) + ".";
    private static EmbeddedKafkaKraftBroker kafka;
    private static FakeOtlpCollector collector;
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-01");
    private final ObjectMapper mapper = new ObjectMapper();

    @DynamicPropertySource
    static void brokers(DynamicPropertyRegistry registry) throws IOException {
        collector = new FakeOtlpCollector();
        registry.add("management.otlp.tracing.endpoint", collector::url);
        kafka = new EmbeddedKafkaKraftBroker(1, 2);
        kafka.afterPropertiesSet();
        registry.add("gateway.outputs.kafka.bootstrap-servers", kafka::getBrokersAsString);
        registry.add("gateway.outputs.kafka.topic-prefix", () -> PREFIX);
        registry.add("gateway.outputs.rabbitmq.exchange-prefix", () -> PREFIX);
    }

    @AfterAll
    static void stopKafka() {
        kafka.destroy();
        collector.close();
    }

    /** The message's traceparent names the span of the attempt that sent it: output, event, outcome. */
    private static void sentByItsAttemptSpan(String traceparent, String output, String eventId) {
        assertThat(traceparent).isNotNull();
        Matcher m = TRACEPARENT.matcher(traceparent);
        assertThat(m.matches()).as(traceparent).isTrue();
        Await.until(Duration.ofSeconds(20), () -> collector.spans().stream().anyMatch(s -> s.spanId().equals(m.group(2))),
                "the attempt span " + m.group(2), () -> collector.spans().toString());
        FakeOtlpCollector.ReceivedSpan attempt = collector.spans().stream().filter(s -> s.spanId().equals(m.group(2)))
                .findFirst().orElseThrow();
        assertThat(attempt.traceId()).isEqualTo(m.group(1));
        assertThat(attempt.name()).isEqualTo("deliver " + output);
        assertThat(attempt.attribute("wagateway.output")).isEqualTo(output);
        assertThat(attempt.attribute("wagateway.event.id")).isEqualTo(eventId);
        assertThat(attempt.attribute("wagateway.outcome")).isEqualTo("delivered");
    }

    @Test
    void eventsArePublishedToKafkaKeyedBySession() throws Exception {
        String first = client.post("/api/whatsapp/webhook", Samples.forSession("message", "kafka-a")).json().path("eventId").asText();
        String second = client.post("/api/whatsapp/webhook", Samples.forSession("message_create", "kafka-a")).json().path("eventId").asText();
        String other = client.post("/api/whatsapp/webhook", Samples.forSession("message", "kafka-b")).json().path("eventId").asText();

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(PREFIX + "message", PREFIX + "message_create"));
            long deadline = System.currentTimeMillis() + 30_000;
            while (records.size() < 3 && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(3);
        Map<String, ConsumerRecord<String, byte[]>> byEvent = new java.util.HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode envelope = mapper.readTree(r.value());
            byEvent.put(envelope.path("eventId").asText(), r);
            assertThat(r.key()).as("key = sessionId").isEqualTo(envelope.path("sessionId").asText());
            // the same header vocabulary as the HTTP outputs: X-Webhook-*, none of the routes' own Wa* headers
            assertThat(header(r, "X-Webhook-Event-Id")).isEqualTo(envelope.path("eventId").asText());
            assertThat(header(r, "X-Webhook-Session")).isEqualTo(envelope.path("sessionId").asText());
            assertThat(header(r, "X-Webhook-Event")).isEqualTo(envelope.path("event").asText());
            assertThat(header(r, "X-Webhook-Source")).isEqualTo("wwebjs");
            assertThat(r.headers()).noneMatch(h -> h.key().startsWith("Wa"));
            sentByItsAttemptSpan(header(r, "traceparent"), "kafka", envelope.path("eventId").asText());
        }
        assertThat(byEvent.get(first).topic()).isEqualTo(PREFIX + "message");
        assertThat(byEvent.get(second).topic()).isEqualTo(PREFIX + "message_create");
        assertThat(byEvent.get(other).key()).isEqualTo("kafka-b");
        assertThat(mapper.readTree(byEvent.get(first).value()).path("data").path("message").path("body").asText())
                .startsWith("Halo, apakah pesanan saya");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void eventsArePublishedToRabbitMqWithTheSessionAsRoutingKey() throws Exception {
        CachingConnectionFactory factory = new CachingConnectionFactory("127.0.0.1", 5672);
        factory.setUsername("guest");
        factory.setPassword("guest");
        try {
            RabbitAdmin admin = new RabbitAdmin(factory);
            TopicExchange exchange = new TopicExchange(PREFIX + "qr", true, false);
            admin.declareExchange(exchange);
            Queue queue = new Queue(PREFIX + "test-queue", false, false, false);
            admin.declareQueue(queue);
            admin.declareBinding(BindingBuilder.bind(queue).to(exchange).with("rabbit-s1"));

            String id = client.post("/api/whatsapp/webhook", Samples.forSession("qr", "rabbit-s1")).json().path("eventId").asText();
            client.post("/api/whatsapp/webhook", Samples.forSession("qr", "rabbit-other"));

            RabbitTemplate template = new RabbitTemplate(factory);
            Message message = template.receive(queue.getName(), 30_000);
            assertThat(message).isNotNull();
            assertThat(message.getMessageProperties().getReceivedRoutingKey()).isEqualTo("rabbit-s1");
            JsonNode envelope = mapper.readTree(message.getBody());
            assertThat(envelope.path("eventId").asText()).isEqualTo(id);
            assertThat(envelope.path("data").path("qr").asText()).startsWith("2@");
            Map<String, Object> headers = message.getMessageProperties().getHeaders();
            assertThat(headers).containsEntry("X-Webhook-Event-Id", id).containsEntry("X-Webhook-Session", "rabbit-s1")
                    .containsEntry("X-Webhook-Event", "qr").containsEntry("X-Webhook-Source", "wwebjs");
            assertThat(headers.keySet()).noneMatch(k -> k.startsWith("Wa"));
            sentByItsAttemptSpan(String.valueOf(headers.get("traceparent")), "rabbitmq", id);
            assertThat(template.receive(queue.getName(), 1_000)).as("only the bound session's events").isNull();
            admin.deleteQueue(queue.getName());
            admin.deleteExchange(exchange.getName());
        } finally {
            factory.destroy();
        }
    }
}
