package dev.wagateway.config;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.springboot.CamelRequestHandlerMapping;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.wagateway.intake.RouteGate;

/**
 * What sits above the packages: the database connection's timeouts, the gate that answers 503 until the YAML routes
 * run, and ROUTES_RELOAD. Each package wires its own beans (store.StoreConfiguration, intake.IntakeConfiguration, ...).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
class RoutesConfiguration {

    @Bean
    static DatabaseTimeouts databaseTimeouts(Environment environment) {
        // A post-processor of the pool is made before the properties bean: bind its group from the environment.
        GatewayProperties.Database database = Binder.get(environment)
                .bindOrCreate("gateway.database", GatewayProperties.Database.class);
        return new DatabaseTimeouts(database.getSocketTimeout(), database.getStatementTimeout());
    }

    /** Flyway takes Callback beans: each migration runs without the pool's socket timeout. */
    @Bean
    static MigrationSocketTimeout migrationSocketTimeout() {
        return new MigrationSocketTimeout();
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
     * ROUTES_RELOAD=true: edits of the routes directory are applied while the gateway runs. Decided here at run time,
     * not by {@code @ConditionalOnProperty}: the fast start's context is Spring AOT processed at build time
     * ({@link SpringAot}), which would fix a condition to the build's environment.
     */
    @Bean
    ApplicationListener<ApplicationEvent> routeReloader(CamelContext camel, RouteGate gate,
            @Value("${camel.main.routes-include-pattern}") String routes,
            GatewayProperties properties, ObjectProvider<CamelRequestHandlerMapping> httpMappings) {
        if (!properties.isRoutesReload()) {
            return event -> { };
        }
        String first = routes.split(",")[0].trim();
        if (!first.startsWith("file:") || !first.endsWith("/*.yaml")) {
            throw new IllegalStateException("ROUTES_RELOAD needs the routes in a directory (ROUTES_DIR or ./routes), "
                    + "not " + first);
        }
        Path directory = Path.of(first.substring("file:".length(), first.length() - "/*.yaml".length()));
        return new RouteReloader(camel, gate, directory, properties.getRoutesReloadInterval(), Duration.ofSeconds(30),
                httpMappings.getIfAvailable());
    }
}
