package dev.wagateway.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.wagateway.events.sources.SourceNormaliser;
import dev.wagateway.security.CloudApiAuthenticator;
import dev.wagateway.security.DatabaseRateLimitStore;
import dev.wagateway.security.InMemoryRateLimitStore;
import dev.wagateway.security.RateLimitProperties;
import dev.wagateway.security.RateLimitStore;
import dev.wagateway.security.RateLimiter;
import dev.wagateway.security.SecurityProperties;
import dev.wagateway.security.SourceAuthentication;
import dev.wagateway.security.SourcesProperties;
import dev.wagateway.security.WebhookAuthenticator;
import dev.wagateway.shared.EventTracing;
import dev.wagateway.store.ArchiveWriters;
import dev.wagateway.store.EventArchive;
import dev.wagateway.store.Outbox;
import dev.wagateway.store.SqlCatalog;
import dev.wagateway.store.StoreProperties;

/**
 * The webhook's beans in the order a post meets them: the body filter, the rate limiter, the body reader, the
 * archive's writers (group commit, repeat rules) and the answers; then the sources' shared gate, and what a stopping
 * gateway does for its clients.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({IntakeProperties.class, ArchiveProperties.class, ShutdownProperties.class})
class IntakeConfiguration {

    static final String WEBHOOK_PATH = "/api/whatsapp/webhook";

    /** The sources' endpoints (routes/sources.yaml): their POST bodies are read by the route itself too. */
    static final List<String> SOURCE_PATHS = List.of("/api/whatsapp/cloud", "/api/whatsapp/waha",
            "/api/whatsapp/evolution");

    @Bean
    FilterRegistrationBean<DeferredBodyFilter> deferredBodyFilter() {
        List<String> paths = new ArrayList<>(List.of(WEBHOOK_PATH));
        paths.addAll(SOURCE_PATHS);
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
    RateLimitStore rateLimitStore(RateLimitProperties limits, StoreProperties store, DataSource dataSource,
            SqlCatalog sql) {
        boolean postgres = store.onPostgres();
        String kind = limits.getStore().trim().toLowerCase(Locale.ROOT);
        boolean shared = switch (kind) {
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
                    "RATE_LIMIT_STORE must be auto, memory or database, not '" + kind + "'");
        };
        return shared ? new DatabaseRateLimitStore(dataSource, limits.getMaxTrackedClients(),
                sql.get("rate-limit/bucket-exists"))
                : new InMemoryRateLimitStore(limits.getMaxTrackedClients());
    }

    @Bean
    RateLimiter rateLimiter(RateLimitProperties limits, RateLimitStore store) {
        return new RateLimiter(store, limits.getPerMinute(), limits.getTrustedSenders(), limits.getTrustedPerMinute(),
                limits.getTrustedProxies());
    }

    @Bean
    RequestBodyReader requestBodyReader(IntakeProperties intake) {
        return new RequestBodyReader(intake.getMaxBodyBytes(), intake.getMaxInFlightBytes());
    }

    @Bean
    EventArchive eventArchive(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, IntakeProperties intake,
            ArchiveProperties archive, StoreProperties store, Outbox outbox) {
        return new EventArchive(jdbc, tx, sql, intake.getDedupeWindow(), outbox, store.getSqlDialect(),
                archive.getWriters());
    }

    @Bean
    ArchiveWriters archiveWriters(EventArchive archive, ArchiveProperties settings, MeterRegistry meters) {
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
    EventArchiver eventArchiver(ArchiveWriters archive, IntakeProperties intake, SourcesProperties sources,
            SecurityProperties security, ProducerTemplate producer, ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator) {
        return new EventArchiver(archive, intake.getDeliveryIdHeader(), producer, sources.getRepeatWindow(),
                security.getStandardWebhooks().getRepeatWindow(),
                EventTracing.of(tracer.getIfAvailable(), propagator.getIfAvailable()));
    }

    @Bean
    IntakeResponses intakeResponses(WebhookAuthenticator authenticator, MeterRegistry meters) {
        return new IntakeResponses(authenticator, meters);
    }

    /** The steps every source endpoint shares: authenticate as that source, then map its shape to envelopes. */
    @Bean
    SourceGate sourceGate(SourceAuthentication authentication, SourceNormaliser normaliser) {
        return new SourceGate(authentication, normaliser);
    }

    @Bean
    CloudApiHandshake cloudApiHandshake(CloudApiAuthenticator authenticator) {
        return new CloudApiHandshake(authenticator);
    }

    @Bean
    SocketHandOver socketHandOver(ShutdownProperties shutdown) {
        return new SocketHandOver(shutdown.getHandOver());
    }

    @Bean
    ShutdownDrainDelay shutdownDrainDelay(ShutdownProperties shutdown) {
        return new ShutdownDrainDelay(shutdown.getDrainDelay());
    }
}
