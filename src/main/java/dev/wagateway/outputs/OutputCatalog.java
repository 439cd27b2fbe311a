package dev.wagateway.outputs;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.wagateway.security.HmacSha256;

/**
 * Reads the output settings into {@link OutputDefinition}s: an HTTP output per configured endpoint, Kafka when
 * bootstrap servers are set, RabbitMQ when a URI is set, e-mail when recipients are set. Nothing configured,
 * no output: the gateway then only stores.
 */
public class OutputCatalog {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

    private final List<OutputDefinition> outputs = new ArrayList<>();
    /** Keyed once at start-up per HTTP output that has a secret. */
    private final Map<String, HmacSha256> httpSigners = new HashMap<>();
    private final Outputs config;

    public OutputCatalog(Outputs config) {
        this.config = config;
        Outputs.Delivery delivery = config.getDelivery();

        config.getHttp().forEach((name, http) -> {
            if (http.getUrl() == null || http.getUrl().isBlank()) {
                return;
            }
            String outputName = "http-" + checkName(name);
            URI uri = URI.create(http.getUrl().trim());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("output " + outputName + ": url must be http:// or https://");
            }
            Map<String, Object> p = common(outputName, delivery, http.getTimeout());
            p.put("url", uri.toString());
            add(outputName, "http-delivery", http.getEvents(), p, http.getBatchSize());
            if (http.getSecret() != null && !http.getSecret().isBlank()) {
                httpSigners.put(outputName, new HmacSha256(http.getSecret()));
            }
        });

        Outputs.Kafka kafka = config.getKafka();
        if (kafka.getBootstrapServers() != null && !kafka.getBootstrapServers().isBlank()) {
            Map<String, Object> p = common("kafka", delivery, null);
            p.put("brokers", kafka.getBootstrapServers().trim());
            p.put("topicPrefix", kafka.getTopicPrefix());
            add("kafka", "kafka-delivery", kafka.getEvents(), p, 1);
        }

        Outputs.Rabbitmq rabbit = config.getRabbitmq();
        if (rabbit.getUri() != null && !rabbit.getUri().isBlank()) {
            Map<String, Object> p = common("rabbitmq", delivery, null);
            p.put("exchangePrefix", rabbit.getExchangePrefix());
            add("rabbitmq", "rabbitmq-delivery", rabbit.getEvents(), p, 1);
        }

        config.getCustom().forEach((name, custom) -> {
            if (custom.isEnabled()) {
                String outputName = checkName(name);
                add(outputName, null, custom.getEvents(), common(outputName, delivery, null), 1);
            }
        });

        Outputs.Mail mail = config.getMail();
        List<String> recipients = mail.getTo().stream().filter(t -> t != null && !t.isBlank()).map(String::trim).toList();
        if (!recipients.isEmpty()) {
            Map<String, Object> p = common("mail", delivery, null);
            p.put("smtpUri", smtpUri(mail));
            List<String> events = new ArrayList<>(mail.getEvents());
            if (mail.isQr() && !events.contains("qr")) {
                events.add("qr");
            }
            add("mail", "mail-delivery", events, p, 1);
        }
    }

    public List<OutputDefinition> all() {
        return List.copyOf(outputs);
    }

    public Optional<OutputDefinition> byName(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** The signer of an HTTP output that has a secret. The secret stays out of route definitions and logs. */
    public Optional<HmacSha256> httpSigner(String output) {
        return Optional.ofNullable(httpSigners.get(output));
    }

    public Outputs config() {
        return config;
    }

    private void add(String name, String template, List<String> events, Map<String, Object> parameters, int batchSize) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String e : events) {
            if (e != null && !e.isBlank()) {
                wanted.add(e.trim());
            }
        }
        outputs.add(new OutputDefinition(name, template, Set.copyOf(wanted), Map.copyOf(parameters), batchSize));
    }

    private static Map<String, Object> common(String name, Outputs.Delivery d, Duration timeout) {
        Map<String, Object> p = new HashMap<>();
        p.put("output", name);
        p.put("circuitBreaker", "output-" + name + "-circuit");
        p.put("timeoutExecutor", "output-" + name + "-timeouts");
        p.put("timeoutMs", (timeout != null ? timeout : d.getTimeout()).toMillis());
        return p;
    }

    private static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("output name '" + name + "' must be lower-case letters, digits and dashes");
        }
        return name;
    }

    private static String smtpUri(Outputs.Mail mail) {
        StringBuilder uri = new StringBuilder("smtp://").append(mail.getSmtpHost()).append(':').append(mail.getSmtpPort());
        List<String> options = new ArrayList<>();
        if (mail.getSmtpUsername() != null && !mail.getSmtpUsername().isBlank()) {
            options.add("username=" + URLEncoder.encode(mail.getSmtpUsername(), StandardCharsets.UTF_8));
            options.add("password=RAW(" + mail.getSmtpPassword() + ")");
        }
        options.add("connectionTimeout=10000");
        return uri.append('?').append(String.join("&", options)).toString();
    }
}
