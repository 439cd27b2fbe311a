package dev.wagateway.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.component.sql.SqlPrepareStatementStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.wagateway.events.EventTypes;
import dev.wagateway.events.MessageColumns;
import dev.wagateway.events.PayloadNormaliser;
import dev.wagateway.security.HmacSha256;
import dev.wagateway.security.WebhookAuthenticator;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.store.NamedParameterCache;

/**
 * The per-request CPU work outside I/O, in ns/op, so regressions show: the signature check over the raw body,
 * the normalisation (parse + envelope), and the routing decision of routes/router.yaml (the real YAML, loaded
 * into a Camel context whose event routes do nothing), and the named parameters of the message upsert as camel-sql
 * fills them on every statement: with camel-sql's own strategy and with the gateway's NamedParameterCache.
 * Run with bench/jmh.sh.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class IntakeCpuBenchmark {

    private byte[] body;
    private String signature;
    private WebhookAuthenticator authenticator;
    private PayloadNormaliser normaliser;
    private EventEnvelope envelope;
    private CamelContext camel;
    private ProducerTemplate producer;
    private String upsert;
    private Exchange upsertExchange;
    private Map<String, Object> upsertColumns;
    private final SqlPrepareStatementStrategy camelSql = new DefaultSqlPrepareStatementStrategy();
    private final SqlPrepareStatementStrategy cached = new NamedParameterCache();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        body = Files.readAllBytes(Path.of("src/test/resources/samples/message.json"));
        authenticator = new WebhookAuthenticator("bench-secret", null, null);
        signature = new HmacSha256("bench-secret").signatureHeader(body);
        normaliser = new PayloadNormaliser();
        envelope = normaliser.normalise(body, null, "127.0.0.1");

        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (String event : EventTypes.ROUTED) {
                    from("direct:event-" + event.replace('_', '-')).routeId("stub-" + event).setProperty("handled", constant(event));
                }
                from("direct:event-unrouted").routeId("stub-unrouted").setProperty("handled", constant("unrouted"));
            }
        });
        String router = Files.readString(Path.of("routes/router.yaml"), StandardCharsets.UTF_8)
                .replaceAll("(?s)# Catch-all.*", "");
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("router.yaml", router));
        camel.start();
        producer = camel.createProducerTemplate();

        // camel-sql turns :#name into :?name before its strategy sees the statement.
        upsert = Files.readString(Path.of("src/main/resources/sql/postgresql/messages/upsert.sql"), StandardCharsets.UTF_8)
                .replace(":#", ":?");
        upsertExchange = new DefaultExchange(camel);
        upsertExchange.setProperty(ExchangeProperties.ENVELOPE, envelope);
        upsertColumns = new MessageColumns().message(upsertExchange);
        upsertExchange.getMessage().setBody(upsertColumns);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        camel.stop();
    }

    @Benchmark
    public String signatureCheck() {
        return authenticator.authenticate(body, signature, null);
    }

    @Benchmark
    public EventEnvelope normalise() {
        return normaliser.normalise(body, null, "127.0.0.1");
    }

    @Benchmark
    public int sqlParametersCamelDefault() throws Exception {
        return fillUpsert(camelSql);
    }

    @Benchmark
    public int sqlParametersCached() throws Exception {
        return fillUpsert(cached);
    }

    private int fillUpsert(SqlPrepareStatementStrategy strategy) throws Exception {
        String prepared = strategy.prepareQuery(upsert, true, upsertExchange);
        Iterator<?> values = strategy.createPopulateIterator(upsert, prepared, 16, upsertExchange, upsertColumns);
        int n = prepared.length();
        while (values.hasNext()) {
            n += values.next() == null ? 0 : 1;
        }
        return n;
    }

    @Benchmark
    public Object routingDecision() {
        return producer.send("direct:route-event", exchange -> {
            exchange.getMessage().setBody(envelope);
            exchange.getMessage().setHeader("WaEvent", "message_ack");
        }).getProperty("handled");
    }
}
