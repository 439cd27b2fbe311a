package dev.wagateway.outputs;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.wagateway.store.Outbox;
import dev.wagateway.store.OutputHealth;

/**
 * Failing endpoints: an output whose every attempt has failed for its {@code disable-after} ({@link DisablePolicy})
 * is disabled. Its deliveries then wait in the outbox, neither attempted nor dead-lettered (no instance claims its
 * lanes), an e-mail alert goes out through the mail output, and an admin's {@link #enable} switches it on again
 * with its backlog due at once. The clock and the state are in the database ({@link OutputHealth}), shared by every
 * instance and kept across restarts; this class keeps the delivery path cheap: a failed attempt costs two small
 * statements, a successful one nothing unless it follows a failure or the last write is {@link #SUCCESS_REFRESH}
 * old, and the disabled state is read about once a second.
 */
public class FailingEndpoints {

    private static final Logger log = LoggerFactory.getLogger(FailingEndpoints.class);

    /** How often a healthy output's success is written anyway: clears another instance's failure within this. */
    static final Duration SUCCESS_REFRESH = Duration.ofSeconds(10);
    /** How stale this instance's view of the disabled outputs may be (another instance disabled or enabled one). */
    static final Duration DISABLED_FRESHNESS = Duration.ofSeconds(1);
    /** The property that carries a {@link Disabled} to the alert route. */
    static final String DISABLED = "wagatewayDisabledOutput";
    static final String ALERT_ROUTE = "direct:output-disabled-alert";

    /** An output just disabled, as the alert tells it. */
    record Disabled(String output, Duration after, OffsetDateTime failingSince, OffsetDateTime disabledAt,
            String lastError, long waiting) {
    }

    /** This instance's counts for one output's clock: failures seen, the count at the last success written, when. */
    private static final class Counts {
        final AtomicLong failures = new AtomicLong();
        final AtomicLong written = new AtomicLong(-1);
        final AtomicLong writtenAt = new AtomicLong(System.nanoTime());
    }

    private final OutputHealth health;
    private final OutputCatalog catalog;
    private final Outbox outbox;
    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private final List<Consumer<String>> enabledListeners = new CopyOnWriteArrayList<>();
    private volatile Set<String> disabled = Set.of();
    private final AtomicLong disabledReadAt = new AtomicLong(System.nanoTime() - DISABLED_FRESHNESS.toNanos() - 1);
    /** Alerts go out on a thread of their own: an SMTP server that is slow must not hold a delivery lane. */
    private final ExecutorService alerts = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "output-disabled-alert");
        t.setDaemon(true);
        return t;
    });

    public FailingEndpoints(OutputHealth health, OutputCatalog catalog, Outbox outbox, CamelContext camel,
            ProducerTemplate producer) {
        this.health = health;
        this.catalog = catalog;
        this.outbox = outbox;
        this.camel = camel;
        this.producer = producer;
    }

    /** At start: every configured output has its row (so the API shows it), and the disabled ones are known. */
    void start() {
        try {
            health.ensure(catalog.all().stream().map(OutputDefinition::name).toList());
            disabled = Set.copyOf(health.disabledOutputs());
            disabledReadAt.set(System.nanoTime());
            disabled.forEach(o -> log.warn("output {} is disabled (it failed for its disable-after): its deliveries "
                    + "wait; POST /api/whatsapp/outputs/{}/enable sends them", o, o));
        } catch (RuntimeException e) {
            log.warn("outputs: could not read which outputs are disabled: {}", e.getMessage());
        }
    }

    /** Called with an output's name when an admin enabled it here, so its workers look at once. */
    void onEnabled(Consumer<String> listener) {
        enabledListeners.add(listener);
    }

    /** Whether the output is disabled, as this instance last read it (at most {@link #DISABLED_FRESHNESS} ago). */
    public boolean disabled(String output) {
        long readAt = disabledReadAt.get();
        long now = System.nanoTime();
        if (now - readAt > DISABLED_FRESHNESS.toNanos() && disabledReadAt.compareAndSet(readAt, now)) {
            try {
                disabled = Set.copyOf(health.disabledOutputs());
            } catch (RuntimeException e) {
                // The database is away: the last reading stands (the claims fail anyway).
            }
        }
        return disabled.contains(output);
    }

    /** A delivery the output took: stops its clock, when there is anything to stop. */
    void succeeded(OutputDefinition output) {
        Counts c = counts(output.name());
        long seen = c.failures.get();
        long at = c.writtenAt.get();
        long now = System.nanoTime();
        if (!DisablePolicy.recordSuccess(seen, c.written.get(), now - at, SUCCESS_REFRESH)
                || !c.writtenAt.compareAndSet(at, now)) {
            return;
        }
        try {
            health.succeeded(output.name(), OffsetDateTime.now());
            c.written.accumulateAndGet(seen, Math::max);
        } catch (RuntimeException e) {
            log.debug("output {}: could not record a success: {}", output.name(), e.getMessage());
        }
    }

    /**
     * A failed attempt (a real one: an open circuit's refusal is none). True when the output is disabled now, by
     * this failure or before: the caller stops attempting.
     */
    boolean failed(OutputDefinition output, String error) {
        OffsetDateTime now = OffsetDateTime.now();
        try {
            OutputHealth.Clock clock = health.failed(output.name(), now, error);
            // Counted after the write: a success that read the count before it writes again next time (see succeeded).
            counts(output.name()).failures.incrementAndGet();
            if (clock.disabled()) {
                markDisabled(output.name(), true);
                return true;
            }
            DisablePolicy policy = output.disable();
            if (!policy.due(clock.failingSince(), now)) {
                return false;
            }
            if (health.disable(output.name(), now, policy.failingSinceAtLatest(now),
                    policy.reason(clock.failingSince(), error))) {
                markDisabled(output.name(), true);
                alert(new Disabled(output.name(), policy.after(), clock.failingSince(), now, error, -1));
            }
            return disabled(output.name());
        } catch (RuntimeException e) {
            log.debug("output {}: could not record a failure: {}", output.name(), e.getMessage());
            return false;
        }
    }

    /**
     * The admin's call: the output is on again, its clock starts from nothing, and its waiting deliveries are due
     * now (their attempts not counted). Empty when there is no such output; else whether it was disabled.
     */
    public Optional<Boolean> enable(String output) {
        if (catalog.byName(output).isEmpty()) {
            return Optional.empty();
        }
        boolean was = health.enable(output, OffsetDateTime.now());
        markDisabled(output, false);
        if (was) {
            log.info("output {} enabled again: its waiting deliveries go out now", output);
        }
        enabledListeners.forEach(l -> l.accept(output));
        return Optional.of(was);
    }

    /** Every output's clock and state, from the database (the same on every instance). */
    public Map<String, OutputHealth.State> states() {
        return health.all();
    }

    private void markDisabled(String output, boolean off) {
        Set<String> now = new HashSet<>(disabled);
        if (off ? now.add(output) : now.remove(output)) {
            disabled = Set.copyOf(now);
        }
    }

    private Counts counts(String output) {
        return counts.computeIfAbsent(output, o -> new Counts());
    }

    /** Logged always; mailed to ALERT_EMAIL_TO through the mail output when it is on (and is not the one disabled). */
    private void alert(Disabled d) {
        log.warn("output {} disabled: every attempt failed for {} (since {}); last error: {}. Its deliveries wait in the "
                + "outbox; POST /api/whatsapp/outputs/{}/enable (or the console's Enable) sends them", d.output(),
                DisablePolicy.describe(d.after()), d.failingSince().toInstant(), d.lastError(), d.output());
        Optional<OutputDefinition> mail = catalog.byName("mail");
        if (mail.isEmpty() || mail.get().template() == null) {
            log.warn("output {} disabled: no e-mail alert sent, the mail output is off (set ALERT_EMAIL_TO)", d.output());
            return;
        }
        if (d.output().equals("mail")) {
            log.warn("output mail disabled: no e-mail alert sent, the mail output is the one that fails");
            return;
        }
        try {
            alerts.execute(() -> send(d));
        } catch (RejectedExecutionException e) {
            log.warn("output {} disabled while the gateway stops: no e-mail alert sent", d.output());
        }
    }

    /** On the alert thread: the backlog count, then the mail through the alert route. */
    private void send(Disabled d) {
        long waiting = -1;
        try {
            Outbox.Backlog backlog = outbox.backlog().get(d.output());
            waiting = backlog == null ? 0 : backlog.waiting();
        } catch (RuntimeException e) {
            // The count is a courtesy: the alert goes without it.
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(DISABLED, new Disabled(d.output(), d.after(), d.failingSince(), d.disabledAt(),
                d.lastError(), waiting));
        try {
            producer.send(ALERT_ROUTE, exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            log.error("output {} disabled: the e-mail alert could not be sent: {}", d.output(),
                    OutputDelivery.describe(exchange.getException()));
        } else {
            log.info("output {} disabled: e-mail alert sent to {}", d.output(), String.join(",",
                    catalog.config().getMail().getTo()));
        }
    }

    /** On stop: an alert being sent may finish; no new one starts. */
    void stop() {
        alerts.shutdown();
    }
}
