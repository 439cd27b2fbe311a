package dev.wagateway.config;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.springboot.CamelRequestHandlerMapping;
import org.apache.camel.component.sql.DefaultSqlEndpoint;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.ProducerTemplate;

import dev.wagateway.api.ActuatorGuard;
import dev.wagateway.api.AdminAuthenticator;
import dev.wagateway.api.Console;
import dev.wagateway.api.CrossSiteGuard;
import dev.wagateway.api.DeadLetterApi;
import dev.wagateway.api.JsonErrorReportValve;
import dev.wagateway.api.OpenApiDocument;
import dev.wagateway.api.OutputsApi;
import dev.wagateway.api.ReadApi;
import dev.wagateway.api.ReadQueries;
import dev.wagateway.api.WhatsAppServer;
import dev.wagateway.events.MediaColumns;
import dev.wagateway.events.MediaExtractor;
import dev.wagateway.events.MessageColumns;
import dev.wagateway.events.PayloadNormaliser;
import dev.wagateway.events.QrRenderer;
import dev.wagateway.events.sources.SourceMapper;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.intake.DeferredBodyFilter;
import dev.wagateway.intake.EventArchiver;
import dev.wagateway.intake.IntakeResponses;
import dev.wagateway.intake.RequestBodyReader;
import dev.wagateway.intake.RouteGate;
import dev.wagateway.intake.SocketHandOver;
import dev.wagateway.outputs.DeadLetterReplayer;
import dev.wagateway.outputs.OutputCatalog;
import dev.wagateway.outputs.OutboxWorkers;
import dev.wagateway.outputs.OutputDefinition;
import dev.wagateway.outputs.OutputDelivery;
import dev.wagateway.outputs.OutputHeaderFilter;
import dev.wagateway.outputs.OutputMessages;
import dev.wagateway.outputs.OutputRoutes;
import dev.wagateway.outputs.OutputStats;
import dev.wagateway.outputs.Outputs;
import dev.wagateway.security.AuthFailureLimiter;
import dev.wagateway.security.DatabaseRateLimitStore;
import dev.wagateway.security.InMemoryRateLimitStore;
import dev.wagateway.security.RateLimitStore;
import dev.wagateway.security.RateLimiter;
import dev.wagateway.security.WebhookAuthenticator;
import dev.wagateway.store.ArchiveRetention;
import dev.wagateway.store.ArchiveWriters;
import dev.wagateway.store.DeadLetters;
import dev.wagateway.store.EventArchive;
import dev.wagateway.store.InstanceLock;
import dev.wagateway.store.JobLock;
import dev.wagateway.store.TableVacuum;
import dev.wagateway.store.MediaStore;
import dev.wagateway.store.NamedParameterCache;
import dev.wagateway.store.Outbox;
import dev.wagateway.store.SqlCatalog;

/**
 * The beans the YAML routes call by name ({@code ref: rateLimiter}, {@code ref: payloadNormaliser}, ...).
 * Each does one job; the routes in routes/ decide the order. Each bean is handed the settings it needs as values
 * (the outputs their own {@link dev.wagateway.outputs.Outputs}), never GatewayProperties: config sits on top and
 * no other package imports it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
public class GatewayConfiguration {

    public static final String WEBHOOK_PATH = "/api/whatsapp/webhook";

    @Bean
    static DatabaseTimeouts databaseTimeouts(Environment environment) {
        // A post-processor of the pool is made before the properties bean: bind its group from the environment.
        GatewayProperties.Database database = Binder.get(environment)
                .bindOrCreate("gateway.database", GatewayProperties.Database.class);
        return new DatabaseTimeouts(database.getSocketTimeout(), database.getStatementTimeout());
    }

    @Bean
    SocketHandOver socketHandOver(GatewayProperties properties) {
        return new SocketHandOver(properties.getShutdown().getHandOver());
    }

    @Bean
    ShutdownDrainDelay shutdownDrainDelay(GatewayProperties properties) {
        return new ShutdownDrainDelay(properties.getShutdown().getDrainDelay());
    }

    @Bean
    RouteGate routeGate(GatewayProperties properties) {
        return new RouteGate(properties.isRoutesReload(), Duration.ofSeconds(10));
    }

    /** Every path the routes serve (webhook, read API, dead letters, console) answers 503 JSON until the routes run. */
    @Bean
    FilterRegistrationBean<RouteGate> routeGateRegistration(RouteGate gate) {
        FilterRegistrationBean<RouteGate> registration = new FilterRegistrationBean<>(gate);
        registration.addUrlPatterns("/api/*", "/console", "/console/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /**
     * What Tomcat answers without the application (a header block over the limit, a malformed request line) is
     * SPEC.md's JSON too; what Spring answers goes through api.GatewayErrorController at /error.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonTomcatErrors() {
        return factory -> factory.addContextCustomizers(JsonErrorReportValve::install);
    }

    /** ROUTES_RELOAD=true: edits of the routes directory are applied while the gateway runs. */
    @Bean
    @ConditionalOnProperty(name = "gateway.routes-reload", havingValue = "true")
    RouteReloader routeReloader(CamelContext camel, RouteGate gate,
            @Value("${camel.main.routes-include-pattern}") String routes,
            GatewayProperties properties, ObjectProvider<CamelRequestHandlerMapping> httpMappings) {
        String first = routes.split(",")[0].trim();
        if (!first.startsWith("file:") || !first.endsWith("/*.yaml")) {
            throw new IllegalStateException("ROUTES_RELOAD needs the routes in a directory (ROUTES_DIR or ./routes), "
                    + "not " + first);
        }
        Path directory = Path.of(first.substring("file:".length(), first.length() - "/*.yaml".length()));
        return new RouteReloader(camel, gate, directory, properties.getRoutesReloadInterval(), Duration.ofSeconds(30),
                httpMappings.getIfAvailable());
    }

    @Bean
    FilterRegistrationBean<DeferredBodyFilter> deferredBodyFilter() {
        List<String> paths = new ArrayList<>(List.of(WEBHOOK_PATH));
        paths.addAll(SourcesConfiguration.SOURCE_PATHS);
        FilterRegistrationBean<DeferredBodyFilter> registration =
                new FilterRegistrationBean<>(new DeferredBodyFilter(paths.toArray(String[]::new)));
        paths.forEach(path -> registration.addUrlPatterns(path, path + "/*"));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /**
     * RATE_LIMIT_STORE: {@code database} shares the buckets between instances (PostgreSQL only), {@code memory} keeps
     * them in this JVM; {@code auto} (default) is database on PostgreSQL, memory on the embedded database.
     */
    @Bean
    RateLimitStore rateLimitStore(GatewayProperties properties, DataSource dataSource, SqlCatalog sql) {
        GatewayProperties.RateLimit limits = properties.getRateLimit();
        boolean postgres = properties.onPostgres();
        String store = limits.getStore().trim().toLowerCase(Locale.ROOT);
        boolean shared = switch (store) {
            case "memory" -> false;
            case "database" -> {
                if (!postgres) {
                    throw new IllegalStateException("RATE_LIMIT_STORE=database needs PostgreSQL (DATABASE_URL); "
                            + "the embedded database serves one instance: use memory");
                }
                yield true;
            }
            case "auto" -> postgres;
            default -> throw new IllegalStateException(
                    "RATE_LIMIT_STORE must be auto, memory or database, not '" + store + "'");
        };
        return shared ? new DatabaseRateLimitStore(dataSource, limits.getMaxTrackedClients(),
                sql.get("rate-limit/bucket-exists"))
                : new InMemoryRateLimitStore(limits.getMaxTrackedClients());
    }

    @Bean
    RateLimiter rateLimiter(GatewayProperties properties, RateLimitStore store) {
        GatewayProperties.RateLimit limits = properties.getRateLimit();
        return new RateLimiter(store, limits.getPerMinute(), limits.getTrustedSenders(), limits.getTrustedPerMinute(),
                limits.getTrustedProxies());
    }

    @Bean
    RequestBodyReader requestBodyReader(GatewayProperties properties) {
        GatewayProperties.Intake intake = properties.getIntake();
        return new RequestBodyReader(intake.getMaxBodyBytes(), intake.getMaxInFlightBytes());
    }

    @Bean
    WebhookAuthenticator webhookAuthenticator(GatewayProperties properties) {
        GatewayProperties.Security security = properties.getSecurity();
        GatewayProperties.Security.StandardWebhooks standard = security.getStandardWebhooks();
        return new WebhookAuthenticator(WebhookAuthenticator.Scheme.of(security.getSignature()),
                security.getWebhookSecret(), security.getWebhookSecretPrevious(), security.getApiKey(),
                standard.getSecrets(), standard.getTolerance(), Clock.systemUTC());
    }

    @Bean
    PayloadNormaliser payloadNormaliser() {
        return new PayloadNormaliser();
    }

    @Bean
    SqlCatalog sqlCatalog() {
        return new SqlCatalog();
    }

    /**
     * This instance's id for the outbox's leases, and on PostgreSQL the advisory lock that tells the other instances
     * it is alive, on a connection of its own opened like the pool's (same URL, credentials and timeouts), never one
     * of the pool's. Closed after the outbox workers have handed their lanes back.
     */
    @Bean(destroyMethod = "close")
    InstanceLock instanceLock(DataSource dataSource, SqlCatalog sql, GatewayProperties properties) throws SQLException {
        if (!properties.onPostgres()) {
            return InstanceLock.embedded();
        }
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        return InstanceLock.postgres(() -> {
            Properties props = new Properties();
            props.putAll(pool.getDataSourceProperties());
            if (pool.getUsername() != null) {
                props.setProperty("user", pool.getUsername());
            }
            if (pool.getPassword() != null) {
                props.setProperty("password", pool.getPassword());
            }
            props.setProperty("ApplicationName", "wagateway instance lock");
            return DriverManager.getConnection(pool.getJdbcUrl(), props);
        }, sql);
    }

    @Bean
    Outbox outbox(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, DeadLetters deadLetters, OutputCatalog outputs,
            InstanceLock instanceLock) {
        Outbox outbox = new Outbox(jdbc, tx, sql, deadLetters, instanceLock);
        outbox.routeEventsWith(event -> outputs.all().stream().filter(o -> o.wants(event)).map(OutputDefinition::name).toList());
        return outbox;
    }

    @Bean
    EventArchive eventArchive(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, GatewayProperties properties,
            Outbox outbox) {
        return new EventArchive(jdbc, tx, sql, properties.getIntake().getDedupeWindow(), outbox, properties.getSqlDialect(),
                properties.getArchive().getWriters());
    }

    /** Every camel-sql endpoint of the routes parses its named parameters once (see NamedParameterCache). */
    @Bean
    CamelContextConfiguration sqlNamedParameterCache() {
        NamedParameterCache cache = new NamedParameterCache();
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                context.getCamelContextExtension().registerEndpointCallback((uri, endpoint) -> {
                    // An endpoint given its own strategy in its URI keeps it.
                    if (endpoint instanceof DefaultSqlEndpoint sql && sql.getPrepareStatementStrategy() == null) {
                        sql.setPrepareStatementStrategy(cache);
                    }
                    return endpoint;
                });
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
            }
        };
    }

    @Bean
    ArchiveWriters archiveWriters(EventArchive archive, GatewayProperties properties, MeterRegistry meters) {
        GatewayProperties.Archive settings = properties.getArchive();
        ArchiveWriters writers = new ArchiveWriters(archive, settings.getWriters(), settings.getMaxBatch(),
                settings.getCommitTimeout(), settings.getMaxQueued());
        Gauge.builder("wagateway.archive.queued", writers, ArchiveWriters::queued)
                .description("events waiting for an archive writer").register(meters);
        FunctionCounter.builder("wagateway.archive.batches", writers, ArchiveWriters::batches)
                .description("transactions that stored more than one event").register(meters);
        FunctionCounter.builder("wagateway.archive.batched.events", writers, ArchiveWriters::batchedEvents)
                .description("events stored by those transactions").register(meters);
        FunctionCounter.builder("wagateway.archive.batch.fallbacks", writers, ArchiveWriters::batchFallbacks)
                .description("batches rolled back by one event's failure and stored one event at a time").register(meters);
        return writers;
    }

    @Bean
    EventArchiver eventArchiver(ArchiveWriters archive, GatewayProperties properties, ProducerTemplate producer) {
        return new EventArchiver(archive, properties.getIntake().getDeliveryIdHeader(), producer,
                properties.getSources().getRepeatWindow(), properties.getSecurity().getStandardWebhooks().getRepeatWindow());
    }

    @Bean
    MessageColumns messageColumns() {
        return new MessageColumns();
    }

    @Bean
    MediaStore mediaStore(GatewayProperties properties) {
        return new MediaStore(Path.of(properties.getMedia().getDir()));
    }

    @Bean
    MediaExtractor mediaExtractor(MediaStore store) {
        return new MediaExtractor(store);
    }

    @Bean
    MediaColumns mediaColumns(MessageColumns messages, MediaStore store) {
        return new MediaColumns(messages, store);
    }

    @Bean
    JobLock jobLock(DataSource dataSource, SqlCatalog sql, GatewayProperties properties) {
        return new JobLock(dataSource, sql, properties.onPostgres());
    }

    @Bean
    ArchiveRetention archiveRetention(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql,
            GatewayProperties properties, JobLock lock) {
        GatewayProperties.Retention retention = properties.getRetention();
        return new ArchiveRetention(jdbc, tx, sql, retention.getArchiveDays(), retention.getBatchSize(), Clock.systemUTC(),
                lock);
    }

    @Bean
    TableVacuum tableVacuum(JdbcTemplate jdbc, SqlCatalog sql, GatewayProperties properties, JobLock lock) {
        return new TableVacuum(jdbc, sql, properties.onPostgres(), properties.getRetention().getVacuumDeadRows(), lock);
    }

    // --- outputs -------------------------------------------------------------------------------------------

    @Bean
    OutputCatalog outputCatalog(GatewayProperties properties) {
        return new OutputCatalog(properties.getOutputs());
    }

    @Bean
    OutputRoutes outputRoutes(OutputCatalog catalog) {
        return new OutputRoutes(catalog);
    }

    @Bean
    OutputStats outputStats(OutputCatalog catalog, OutputRoutes routes, MeterRegistry meters, Outbox outbox) {
        return new OutputStats(catalog, routes, meters, outbox);
    }

    @Bean
    OutputDelivery outputDelivery(CamelContext camel, ProducerTemplate producer) {
        return new OutputDelivery(camel, producer);
    }

    @Bean
    OutboxWorkers outboxWorkers(Outbox outbox, OutputCatalog catalog, OutputDelivery delivery, OutputStats stats,
            GatewayProperties properties) {
        Outputs.Delivery d = properties.getOutputs().getDelivery();
        return new OutboxWorkers(outbox, catalog, delivery, stats, new OutboxWorkers.Settings(d.getConsumers(),
                d.getRetries(), d.getRetryDelay(), d.getTimeout(), d.getLaneBatch(), d.getLease(), d.getPollInterval(), d.getLinger()));
    }

    /** The RabbitMQ output's broker, from RABBITMQ_URI (amqp://user:pass@host:5672/vhost); opened on first send. */
    @Bean
    @ConditionalOnExpression("'${gateway.outputs.rabbitmq.uri:}' != ''")
    org.springframework.amqp.rabbit.connection.ConnectionFactory rabbitConnectionFactory(GatewayProperties properties) {
        return new CachingConnectionFactory(URI.create(properties.getOutputs().getRabbitmq().getUri().trim()));
    }

    @Bean
    OutputMessages outputMessages(OutputCatalog catalog, QrRenderer qr) {
        return new OutputMessages(catalog, qr);
    }

    @Bean
    OutputHeaderFilter outputHeaderFilter() {
        return new OutputHeaderFilter();
    }

    @Bean
    DeadLetters deadLetters(JdbcTemplate jdbc, SqlCatalog sql) {
        return new DeadLetters(jdbc, sql);
    }

    @Bean
    DeadLetterReplayer deadLetterReplayer(DeadLetters deadLetters, OutputCatalog catalog, OutputDelivery delivery,
            OutputStats stats, JobLock lock) {
        return new DeadLetterReplayer(deadLetters, catalog, delivery, stats, lock);
    }

    @Bean
    DeadLetterApi deadLetterApi(DeadLetters deadLetters, DeadLetterReplayer replayer, GatewayProperties properties) {
        GatewayProperties.Api api = properties.getApi();
        return new DeadLetterApi(deadLetters, replayer, api.getDefaultPageSize(), api.getMaxPageSize());
    }

    // --- read API ------------------------------------------------------------------------------------------

    /** Wrong admin keys throttled per client through the webhook's store (shared by instances on PostgreSQL). */
    @Bean
    AuthFailureLimiter adminAuthFailures(GatewayProperties properties, RateLimitStore store) {
        return new AuthFailureLimiter(store, properties.getApi().getAuthFailuresPerMinute(),
                properties.getRateLimit().getTrustedProxies());
    }

    @Bean
    AdminAuthenticator adminAuthenticator(GatewayProperties properties, AuthFailureLimiter failures) {
        return new AdminAuthenticator(properties.getApi().getAdminKey(), failures);
    }

    /**
     * The actuator on the application's port: anonymous callers get the health status only, the rest needs the
     * admin key (api.ActuatorGuard). A separate MANAGEMENT_SERVER_PORT runs its own web server, which this does not
     * cover: everything is served there, for a private network.
     */
    @Bean
    FilterRegistrationBean<ActuatorGuard> actuatorGuard(AdminAuthenticator authenticator,
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        FilterRegistrationBean<ActuatorGuard> registration =
                new FilterRegistrationBean<>(new ActuatorGuard(authenticator, basePath));
        registration.addUrlPatterns(basePath, basePath + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    @Bean
    OpenApiDocument openApiDocument() {
        return new OpenApiDocument();
    }

    @Bean
    ReadQueries readQueries(SqlCatalog sql) {
        return new ReadQueries(sql);
    }

    @Bean
    QrRenderer qrRenderer() {
        return new QrRenderer();
    }

    @Bean
    ReadApi readApi(JdbcTemplate jdbc, ReadQueries queries, QrRenderer qr, MediaStore media, GatewayProperties properties,
            List<SourceMapper> sourceMappers) {
        GatewayProperties.Api api = properties.getApi();
        List<String> sources = new ArrayList<>(List.of(EventEnvelope.WWEBJS));
        sourceMappers.forEach(m -> sources.add(m.source()));
        return new ReadApi(jdbc, queries, qr, media, api.getDefaultPageSize(), api.getMaxPageSize(), sources);
    }

    @Bean
    OutputsApi outputsApi(OutputCatalog catalog, OutputStats stats, DeadLetters deadLetters) {
        return new OutputsApi(catalog, stats, deadLetters);
    }

    // --- console ---------------------------------------------------------------------------------------------

    /** State-changing admin requests from a browser must come from the console (replay, start a session). */
    @Bean
    CrossSiteGuard crossSiteGuard() {
        return new CrossSiteGuard();
    }

    @Bean
    WhatsAppServer whatsAppServer(GatewayProperties properties) {
        GatewayProperties.WhatsappServer server = properties.getWhatsappServer();
        return new WhatsAppServer(server.getUrl(), properties.getSecurity().getApiKey(), server.getTimeout());
    }

    @Bean
    Console console(WhatsAppServer whatsAppServer, OutputCatalog outputs) {
        return new Console(whatsAppServer, outputs.all().stream().map(OutputDefinition::name).toList());
    }

    @Bean
    IntakeResponses intakeResponses(WebhookAuthenticator authenticator, MeterRegistry meters) {
        return new IntakeResponses(authenticator, meters);
    }
}
