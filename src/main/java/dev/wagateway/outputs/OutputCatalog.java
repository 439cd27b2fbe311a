package dev.wagateway.outputs;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import dev.wagateway.security.HmacSha256;
import dev.wagateway.security.StandardWebhookSigner;

/**
 * Reads the output settings into {@link OutputDefinition}s: an HTTP output per configured endpoint, Kafka when
 * bootstrap servers are set, RabbitMQ when a URI is set, e-mail when recipients are set. Nothing configured,
 * no output: the gateway then only stores.
 */
public class OutputCatalog {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

    private final List<OutputDefinition> outputs = new ArrayList<>();
    /** Keyed once at start-up per HTTP output that has a secret, by its signature scheme. */
    private final Map<String, HmacSha256> httpSigners = new HashMap<>();
    private final Map<String, StandardWebhookSigner> standardWebhookSigners = new HashMap<>();
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
            add(outputName, "http-delivery", http.getEvents(), p, http.getBatchSize(), "gateway.outputs.http." + name, http);
            signers(name, outputName, http);
        });

        Outputs.Kafka kafka = config.getKafka();
        if (kafka.getBootstrapServers() != null && !kafka.getBootstrapServers().isBlank()) {
            Map<String, Object> p = common("kafka", delivery, null);
            p.put("brokers", kafka.getBootstrapServers().trim());
            p.put("topicPrefix", kafka.getTopicPrefix());
            add("kafka", "kafka-delivery", kafka.getEvents(), p, 1, "gateway.outputs.kafka", kafka);
        }

        Outputs.Rabbitmq rabbit = config.getRabbitmq();
        if (rabbit.getUri() != null && !rabbit.getUri().isBlank()) {
            Map<String, Object> p = common("rabbitmq", delivery, null);
            p.put("exchangePrefix", rabbit.getExchangePrefix());
            add("rabbitmq", "rabbitmq-delivery", rabbit.getEvents(), p, 1, "gateway.outputs.rabbitmq", rabbit);
        }

        config.getCustom().forEach((name, custom) -> {
            if (custom.isEnabled()) {
                String outputName = checkName(name);
                add(outputName, null, custom.getEvents(), common(outputName, delivery, null), 1,
                        "gateway.outputs.custom." + name, custom);
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
            add("mail", "mail-delivery", events, p, 1, "gateway.outputs.mail", mail);
        }
    }

    public List<OutputDefinition> all() {
        return List.copyOf(outputs);
    }

    public Optional<OutputDefinition> byName(String name) {
        return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** The X-Webhook-Signature signer of an HTTP output that has a secret. The secret stays out of route definitions and logs. */
    public Optional<HmacSha256> httpSigner(String output) {
        return Optional.ofNullable(httpSigners.get(output));
    }

    /** The Standard Webhooks signer of an HTTP output set to {@code signature: standard-webhooks}. */
    public Optional<StandardWebhookSigner> standardWebhookSigner(String output) {
        return Optional.ofNullable(standardWebhookSigners.get(output));
    }

    /**
     * Reads an HTTP output's signature settings. Everything wrong is refused here, at start-up, naming the setting:
     * a receiver that cannot verify would otherwise refuse every delivery, and each would end as a dead letter.
     */
    private void signers(String name, String outputName, Outputs.Http http) {
        String setting = "gateway.outputs.http." + name + ".";
        String scheme = http.getSignature() == null || http.getSignature().isBlank() ? "sha256" : http.getSignature().trim();
        List<String> more = http.getSecrets() == null ? List.of() : http.getSecrets();
        boolean hasSecret = http.getSecret() != null && !http.getSecret().isBlank();
        switch (scheme) {
            case "sha256" -> {
                if (!more.isEmpty()) {
                    throw new IllegalArgumentException(setting + "secrets (a rotation) needs " + setting
                            + "signature: standard-webhooks; the sha256 scheme signs with " + setting + "secret only");
                }
                if (hasSecret) {
                    httpSigners.put(outputName, new HmacSha256(http.getSecret()));
                }
            }
            case "standard-webhooks" -> {
                Map<String, String> secrets = new LinkedHashMap<>();
                if (hasSecret) {
                    secrets.put(setting + "secret", http.getSecret());
                }
                for (int i = 0; i < more.size(); i++) {
                    secrets.put(setting + "secrets[" + i + "]", more.get(i));
                }
                if (secrets.isEmpty()) {
                    throw new IllegalArgumentException(setting + "signature is standard-webhooks but neither " + setting
                            + "secret nor " + setting + "secrets is set");
                }
                standardWebhookSigners.put(outputName, new StandardWebhookSigner(secrets));
            }
            default -> throw new IllegalArgumentException(setting + "signature must be sha256 or standard-webhooks, not '"
                    + scheme + "'");
        }
    }

    public Outputs config() {
        return config;
    }

    private void add(String name, String template, List<String> events, Map<String, Object> parameters, int batchSize,
            String setting, Outputs.PerOutput own) {
        Set<String> wanted = new LinkedHashSet<>();
        for (String e : events) {
            if (e != null && !e.isBlank()) {
                wanted.add(e.trim());
            }
        }
        outputs.add(new OutputDefinition(name, template, Set.copyOf(wanted), Map.copyOf(parameters), batchSize,
                retry(setting, own), ordered(setting, own), DisablePolicy.of(setting, own.getDisableAfter())));
    }

    /**
     * The output's own retry schedule, or null for the delivery defaults. Checked here, at start-up, naming the
     * setting: a schedule read wrong would only show hours later, as deliveries dead-lettered or retried too soon.
     */
    static RetryPolicy retry(String setting, Outputs.PerOutput own) {
        List<Duration> steps = own.getRetrySchedule();
        if (steps == null || steps.isEmpty()) {
            return null;
        }
        return RetryPolicy.schedule(setting, steps, own.getRetryJitter());
    }

    static boolean ordered(String setting, Outputs.PerOutput own) {
        String order = own.getOrder() == null || own.getOrder().isBlank() ? "session" : own.getOrder().trim();
        return switch (order) {
            case "session" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException(setting + ".order must be session or none, not '" + order + "'");
        };
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
            options.add("password=RAW(" + (mail.getSmtpPassword() == null ? "" : mail.getSmtpPassword()) + ")");
        }
        options.add("connectionTimeout=10000");
        return uri.append('?').append(String.join("&", options)).toString();
    }
}
