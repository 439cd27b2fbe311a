package dev.wagateway.outputs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the delivery route of each configured output from its route template in routes/outputs.yaml, and its
 * attempt route from output-attempt, once the YAML routes are loaded, each with a circuit breaker of its own (kept in a registry so health and metrics can
 * read it). The outbox workers feed those routes.
 */
public class OutputRoutes implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(OutputRoutes.class);
    /** routes/outputs.yaml: the circuit breaker and time limit around every output's endpoint. */
    static final String ATTEMPT_TEMPLATE = "output-attempt";

    private final OutputCatalog catalog;
    private final CircuitBreakerRegistry circuits;
    private final List<ExecutorService> executors = new CopyOnWriteArrayList<>();

    public OutputRoutes(OutputCatalog catalog) {
        this.catalog = catalog;
        Outputs.Delivery d = catalog.config().getDelivery();
        this.circuits = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .failureRateThreshold(d.getFailureRateThreshold())
                .slidingWindowSize(d.getWindowSize())
                .minimumNumberOfCalls(d.getMinimumCalls())
                .waitDurationInOpenState(d.getOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(2)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
    }

    public CircuitBreaker circuit(String output) {
        return circuits.circuitBreaker(output);
    }

    @Override
    public void beforeApplicationStart(CamelContext context) {
        int consumers = catalog.config().getDelivery().getConsumers();
        for (OutputDefinition output : catalog.all()) {
            context.getRegistry().bind(output.circuitBreakerBean(), circuit(output.name()));
            // Without its own pool the time limiter would run attempts on the JVM's common pool, where one
            // hanging output would starve all the others.
            ThreadPoolExecutor timeouts = new ThreadPoolExecutor(consumers, consumers * 4, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), daemonThreads("output-" + output.name() + "-attempt"));
            context.getRegistry().bind(output.timeoutExecutorBean(), timeouts);
            executors.add(timeouts);
        }
    }

    private static Map<String, Object> attemptParameters(OutputDefinition output) {
        Map<String, Object> p = new HashMap<>();
        for (String name : List.of("output", "circuitBreaker", "timeoutMs", "timeoutExecutor")) {
            p.put(name, output.parameters().get(name));
        }
        return p;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @PreDestroy
    void stopExecutors() {
        executors.forEach(ExecutorService::shutdownNow);
    }

    @Override
    public void afterApplicationStart(CamelContext context) {
        for (OutputDefinition output : catalog.all()) {
            try {
                // Every output gets its attempt route (circuit breaker and time limit, said once in YAML); a custom
                // output brings its own direct:deliver-<name> route and may call it.
                context.addRouteFromTemplate(output.routeId() + "-attempt", ATTEMPT_TEMPLATE, attemptParameters(output));
                if (output.template() != null) {
                    context.addRouteFromTemplate(output.routeId() + "-delivery", output.template(), output.parameters());
                }
                log.info("output {} on (events: {})", output.name(), output.events().isEmpty() ? "all" : output.events());
            } catch (Exception e) {
                throw new IllegalStateException("could not create the route of output " + output.name(), e);
            }
        }
    }
}
