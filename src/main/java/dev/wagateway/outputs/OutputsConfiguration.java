package dev.wagateway.outputs;

import java.net.URI;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.wagateway.events.QrRenderer;
import dev.wagateway.shared.EventTracing;
import dev.wagateway.store.DeadLetters;
import dev.wagateway.store.JobLock;
import dev.wagateway.store.Outbox;
import dev.wagateway.store.OutputHealth;

/** The outputs: their catalog (from gateway.outputs.*), the outbox's workers, dead-letter replays, the messages. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(Outputs.class)
class OutputsConfiguration {

    /**
     * The catalog also tells the outbox which outputs each stored event is owed to, and which of them let a session
     * go on past a delivery waiting for its retry ({@code order: none}).
     */
    @Bean
    OutputCatalog outputCatalog(Outputs outputs, Outbox outbox) {
        OutputCatalog catalog = new OutputCatalog(outputs);
        outbox.routeEventsWith(event -> catalog.all().stream().filter(o -> o.wants(event))
                .map(OutputDefinition::name).toList());
        outbox.unorderedOutputs(catalog.all().stream().filter(o -> !o.ordered()).map(OutputDefinition::name)
                .collect(Collectors.toSet()), outputs.getDelivery().getLinger());
        return catalog;
    }

    @Bean
    OutputRoutes outputRoutes(OutputCatalog catalog) {
        return new OutputRoutes(catalog);
    }

    @Bean
    OutputStats outputStats(OutputCatalog catalog, OutputRoutes routes, MeterRegistry meters, Outbox outbox,
            FailingEndpoints failing) {
        return new OutputStats(catalog, routes, meters, outbox, failing);
    }

    /** The attempts' spans and the traceparent they send; {@link EventTracing#OFF} without an OTLP endpoint. */
    @Bean
    EventTracing outputTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        return EventTracing.of(tracer.getIfAvailable(), propagator.getIfAvailable());
    }

    @Bean
    OutputDelivery outputDelivery(CamelContext camel, ProducerTemplate producer, EventTracing outputTracing) {
        return new OutputDelivery(camel, producer, outputTracing);
    }

    /** Outputs that failed for their disable-after are off until an admin enables them (state in wa_output_health). */
    @Bean
    FailingEndpoints failingEndpoints(OutputHealth health, OutputCatalog catalog, Outbox outbox, CamelContext camel,
            ProducerTemplate producer) {
        return new FailingEndpoints(health, catalog, outbox, camel, producer);
    }

    @Bean
    OutboxWorkers outboxWorkers(Outbox outbox, OutputCatalog catalog, OutputDelivery delivery, OutputStats stats,
            FailingEndpoints failing, Outputs outputs, EventTracing outputTracing) {
        Outputs.Delivery d = outputs.getDelivery();
        return new OutboxWorkers(outbox, catalog, delivery, stats, failing, new OutboxWorkers.Settings(d.getConsumers(),
                d.getRetries(), d.getRetryDelay(), d.getTimeout(), d.getLaneBatch(), d.getLease(), d.getPollInterval(),
                d.getLinger()), outputTracing);
    }

    /**
     * The RabbitMQ output's broker, from RABBITMQ_URI (amqp://user:pass@host:5672/vhost); opened on first send, so
     * without RABBITMQ_URI (no RabbitMQ output) it is never opened. Always defined rather than on a condition: the
     * fast start's context is Spring AOT processed at build time, which fixes conditions to the build's environment.
     */
    @Bean
    ConnectionFactory rabbitConnectionFactory(Outputs outputs) {
        String uri = outputs.getRabbitmq().getUri();
        return uri == null || uri.isBlank() ? new CachingConnectionFactory()
                : new CachingConnectionFactory(URI.create(uri.trim()));
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
    DeadLetterReplayer deadLetterReplayer(DeadLetters deadLetters, OutputCatalog catalog, OutputDelivery delivery,
            OutputStats stats, JobLock lock, FailingEndpoints failing, EventTracing outputTracing) {
        return new DeadLetterReplayer(deadLetters, catalog, delivery, stats, lock, failing, outputTracing);
    }
}
