package dev.wagateway.outputs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the outputs ({@code gateway.outputs.*}): where routed events go beyond the database. Each output is
 * off until its destination is configured. Every output shares the {@link Delivery} defaults unless it sets its own.
 */
@ConfigurationProperties(prefix = "gateway.outputs")
public class Outputs {

    private final Delivery delivery = new Delivery();
    /** HTTP endpoints by name; FORWARD_URL / FORWARD_SECRET / FORWARD_SIGNATURE / FORWARD_EVENTS fill the one named "default". */
    private Map<String, Http> http = new LinkedHashMap<>();
    private final Kafka kafka = new Kafka();
    private final Rabbitmq rabbitmq = new Rabbitmq();
    private final Mail mail = new Mail();
    private final DeadLetters deadLetters = new DeadLetters();
    /** Outputs whose delivery route is written in YAML (direct:deliver-<name>); the gateway adds the outbox, retries, dead letters. */
    private Map<String, Custom> custom = new LinkedHashMap<>();

    public Delivery getDelivery() { return delivery; }
    public Map<String, Http> getHttp() { return http; }
    public void setHttp(Map<String, Http> http) { this.http = http; }
    public Kafka getKafka() { return kafka; }
    public Rabbitmq getRabbitmq() { return rabbitmq; }
    public Mail getMail() { return mail; }
    public DeadLetters getDeadLetters() { return deadLetters; }
    public Map<String, Custom> getCustom() { return custom; }
    public void setCustom(Map<String, Custom> custom) { this.custom = custom; }

    /**
     * What every output may set for itself, under its own name ({@code gateway.outputs.http.<name>.*},
     * {@code gateway.outputs.kafka.*}, ...): its retries, whether a waiting delivery holds back its session, and when
     * it is disabled for failing.
     */
    public abstract static class PerOutput {
        /**
         * Retries of this output at these delays after each failed attempt, e.g. [5s, 5m, 30m, 2h, 5h, 10h, 10h]
         * (one retry per step, then a dead letter), instead of delivery.retries and delivery.retry-delay; the
         * planned time is kept in the outbox, so a restart keeps it.
         */
        private List<Duration> retrySchedule;
        /** How far each retry-schedule step may move, as a share of itself: 0.1 = ±10%, 0 = exactly on time. */
        private double retryJitter = 0.1;
        /**
         * {@code session}: a delivery waiting for its retry holds back the session's later events for this output
         * (their order kept); {@code none}: they go on, and the waiting one arrives when its retry succeeds.
         */
        private String order = "session";
        /**
         * Disable this output once every attempt has failed for this long, from the first failure with no success
         * after it: its deliveries then wait in the outbox, an e-mail alert goes out, and an admin enables it again
         * (POST /api/whatsapp/outputs/{name}/enable). 0 = never.
         */
        private Duration disableAfter = Duration.ofDays(5);

        public Duration getDisableAfter() { return disableAfter; }
        public void setDisableAfter(Duration disableAfter) { this.disableAfter = disableAfter; }
        public List<Duration> getRetrySchedule() { return retrySchedule; }
        public void setRetrySchedule(List<Duration> retrySchedule) { this.retrySchedule = retrySchedule; }
        public double getRetryJitter() { return retryJitter; }
        public void setRetryJitter(double retryJitter) { this.retryJitter = retryJitter; }
        public String getOrder() { return order; }
        public void setOrder(String order) { this.order = order; }
    }

    public static class Custom extends PerOutput {
        /** Set the output's name under gateway.outputs.custom to switch it on; false switches it off again. */
        private boolean enabled = true;
        /** Events to hand to it; empty = all. */
        private List<String> events = new ArrayList<>();

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public List<String> getEvents() { return events; }
        public void setEvents(List<String> events) { this.events = events; }
    }

    /** How each output delivers from the outbox: its own threads, retries with backoff, a circuit breaker. */
    public static class Delivery {
        /** Threads per output and instance: sessions delivered to it in parallel (each session's events in order). */
        private int consumers = 4;
        /** Deliveries of one session one thread takes at a time (marked delivered together). */
        private int laneBatch = 50;
        /** How long a claimed session is held; after a crash it is taken back at once when the holder is seen dead (its advisory lock is free), else once this has passed. */
        private Duration lease = Duration.ofSeconds(60);
        /** How often an idle output looks for deliveries made by another instance (this one's wake it at once). */
        private Duration pollInterval = Duration.ofMillis(500);
        /** A session whose deliveries were all made gathers new ones this long before the next run (fewer, fuller runs). */
        private Duration linger = Duration.ofMillis(100);
        /** Attempts after the first. */
        private int retries = 3;
        /** The first retry's delay; each further one doubles it (exponential backoff). */
        private Duration retryDelay = Duration.ofMillis(500);
        /** The most one attempt may take (Resilience4j time limiter). */
        private Duration timeout = Duration.ofSeconds(10);
        /** Circuit breaker: opens at this failure rate (%) over the last {@code windowSize} calls... */
        private float failureRateThreshold = 50;
        /** ...over this many of the last calls. */
        private int windowSize = 20;
        /** ...once at least this many calls were made. */
        private int minimumCalls = 10;
        /** How long it stays open before letting a few calls test the output again. */
        private Duration openDuration = Duration.ofSeconds(30);

        public int getLaneBatch() { return laneBatch; }
        public void setLaneBatch(int laneBatch) { this.laneBatch = laneBatch; }
        public Duration getLease() { return lease; }
        public void setLease(Duration lease) { this.lease = lease; }
        public Duration getLinger() { return linger; }
        public void setLinger(Duration linger) { this.linger = linger; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public int getConsumers() { return consumers; }
        public void setConsumers(int consumers) { this.consumers = consumers; }
        public int getRetries() { return retries; }
        public void setRetries(int retries) { this.retries = retries; }
        public Duration getRetryDelay() { return retryDelay; }
        public void setRetryDelay(Duration retryDelay) { this.retryDelay = retryDelay; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public float getFailureRateThreshold() { return failureRateThreshold; }
        public void setFailureRateThreshold(float v) { this.failureRateThreshold = v; }
        public int getWindowSize() { return windowSize; }
        public void setWindowSize(int windowSize) { this.windowSize = windowSize; }
        public int getMinimumCalls() { return minimumCalls; }
        public void setMinimumCalls(int minimumCalls) { this.minimumCalls = minimumCalls; }
        public Duration getOpenDuration() { return openDuration; }
        public void setOpenDuration(Duration openDuration) { this.openDuration = openDuration; }
    }

    public static class Http extends PerOutput {
        /** The endpoint (http:// or https://); set = this output is on. */
        private String url;
        /**
         * How requests are signed: {@code sha256} (X-Webhook-Signature: sha256=<hex>, the scheme the gateway's own
         * intake verifies) or {@code standard-webhooks} (webhook-id, webhook-timestamp, webhook-signature, which
         * receivers verify with an off-the-shelf Standard Webhooks library).
         */
        private String signature = "sha256";
        /** The signing secret (for standard-webhooks a {@code whsec_<base64>} one); unset = unsigned. */
        private String secret;
        /** standard-webhooks only: more secrets during a rotation, one signature each, after {@code secret}'s. */
        private List<String> secrets = new ArrayList<>();
        /** Events to forward; empty = all. */
        private List<String> events = new ArrayList<>();
        /** The most one attempt may take, for this endpoint only; unset = delivery.timeout. */
        private Duration timeout;
        /**
         * Up to this many events of one session per request, as a JSON array of envelopes in order (1 = one
         * envelope per request, the default). With a batch, every request is an array, even of one.
         */
        private int batchSize = 1;

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getSecret() { return secret; }
        public void setSecret(String secret) { this.secret = secret; }
        public String getSignature() { return signature; }
        public void setSignature(String signature) { this.signature = signature; }
        public List<String> getSecrets() { return secrets; }
        public void setSecrets(List<String> secrets) { this.secrets = secrets; }
        public List<String> getEvents() { return events; }
        public void setEvents(List<String> events) { this.events = events; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
    }

    public static class Kafka extends PerOutput {
        /** KAFKA_BOOTSTRAP_SERVERS: host:port,...; set = the Kafka output is on. */
        private String bootstrapServers;
        /** Topic = prefix + event name, e.g. whatsapp.message. */
        private String topicPrefix = "whatsapp.";
        /** Kafka: events to publish; empty = all. */
        private List<String> events = new ArrayList<>();

        public String getBootstrapServers() { return bootstrapServers; }
        public void setBootstrapServers(String bootstrapServers) { this.bootstrapServers = bootstrapServers; }
        public String getTopicPrefix() { return topicPrefix; }
        public void setTopicPrefix(String topicPrefix) { this.topicPrefix = topicPrefix; }
        public List<String> getEvents() { return events; }
        public void setEvents(List<String> events) { this.events = events; }
    }

    public static class Rabbitmq extends PerOutput {
        /** RABBITMQ_URI: amqp://user:pass@host:5672/vhost; set = the RabbitMQ output is on. */
        private String uri;
        /** Exchange = prefix + event name (a topic exchange); routing key = session id. */
        private String exchangePrefix = "whatsapp.";
        /** RabbitMQ: events to publish; empty = all. */
        private List<String> events = new ArrayList<>();

        public String getUri() { return uri; }
        public void setUri(String uri) { this.uri = uri; }
        public String getExchangePrefix() { return exchangePrefix; }
        public void setExchangePrefix(String exchangePrefix) { this.exchangePrefix = exchangePrefix; }
        public List<String> getEvents() { return events; }
        public void setEvents(List<String> events) { this.events = events; }
    }

    public static class Mail extends PerOutput {
        /** ALERT_EMAIL_TO: recipients (comma-separated); set = the e-mail output is on. */
        private List<String> to = new ArrayList<>();
        /** ALERT_EMAIL_FROM: the sender address. */
        private String from = "whatsapp-gateway@localhost";
        /** ALERT_EMAIL_EVENTS: the events that send an alert. */
        private List<String> events = new ArrayList<>(List.of("disconnected", "auth_failure"));
        /** Also mail each new QR, attached as a PNG an operator can scan from the mail. */
        private boolean qr;
        /** SMTP_HOST: the mail server. */
        private String smtpHost = "localhost";
        /** SMTP_PORT: its port. */
        private int smtpPort = 25;
        /** SMTP_USERNAME: unset = no authentication. */
        private String smtpUsername;
        /** SMTP_PASSWORD: the password of SMTP_USERNAME. */
        private String smtpPassword;

        public List<String> getTo() { return to; }
        public void setTo(List<String> to) { this.to = to; }
        public String getFrom() { return from; }
        public void setFrom(String from) { this.from = from; }
        public List<String> getEvents() { return events; }
        public void setEvents(List<String> events) { this.events = events; }
        public boolean isQr() { return qr; }
        public void setQr(boolean qr) { this.qr = qr; }
        public String getSmtpHost() { return smtpHost; }
        public void setSmtpHost(String smtpHost) { this.smtpHost = smtpHost; }
        public int getSmtpPort() { return smtpPort; }
        public void setSmtpPort(int smtpPort) { this.smtpPort = smtpPort; }
        public String getSmtpUsername() { return smtpUsername; }
        public void setSmtpUsername(String smtpUsername) { this.smtpUsername = smtpUsername; }
        public String getSmtpPassword() { return smtpPassword; }
        public void setSmtpPassword(String smtpPassword) { this.smtpPassword = smtpPassword; }
    }

    public static class DeadLetters {
        /** Retry pending dead letters on a schedule (off by default: replay is an operator's decision). */
        private boolean autoRetry;
        /** DEAD_LETTER_RETRY_INTERVAL: how often the automatic retry runs. */
        private Duration autoRetryInterval = Duration.ofMinutes(5);
        /** Dead letters retried per scheduled run. */
        private int autoRetryBatch = 100;

        public boolean isAutoRetry() { return autoRetry; }
        public void setAutoRetry(boolean autoRetry) { this.autoRetry = autoRetry; }
        public Duration getAutoRetryInterval() { return autoRetryInterval; }
        public void setAutoRetryInterval(Duration v) { this.autoRetryInterval = v; }
        public int getAutoRetryBatch() { return autoRetryBatch; }
        public void setAutoRetryBatch(int autoRetryBatch) { this.autoRetryBatch = autoRetryBatch; }
    }
}
