package dev.wagateway.api;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.events.QrRenderer;
import dev.wagateway.events.sources.SourceMapper;
import dev.wagateway.outputs.DeadLetterReplayer;
import dev.wagateway.outputs.FailingEndpoints;
import dev.wagateway.outputs.OutputCatalog;
import dev.wagateway.outputs.OutputDefinition;
import dev.wagateway.outputs.OutputStats;
import dev.wagateway.security.AuthFailureLimiter;
import dev.wagateway.security.RateLimitProperties;
import dev.wagateway.security.RateLimitStore;
import dev.wagateway.security.SecurityProperties;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.store.DeadLetters;
import dev.wagateway.store.MediaStore;
import dev.wagateway.store.SqlCatalog;

/** The read and admin API, the console, their guards, and the JSON answers of errors outside the routes. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ApiProperties.class, WhatsAppServerProperties.class})
class ApiConfiguration {

    /**
     * What Tomcat answers without the application (a header block over the limit, a malformed request line) is
     * SPEC.md's JSON too; what Spring answers goes through GatewayErrorController at /error.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonTomcatErrors() {
        return factory -> factory.addContextCustomizers(JsonErrorReportValve::install);
    }

    /** Wrong admin keys throttled per client through the webhook's store (shared by instances on PostgreSQL). */
    @Bean
    AuthFailureLimiter adminAuthFailures(ApiProperties api, RateLimitProperties limits, RateLimitStore store) {
        return new AuthFailureLimiter(store, api.getAuthFailuresPerMinute(), limits.getTrustedProxies());
    }

    @Bean
    AdminAuthenticator adminAuthenticator(ApiProperties api, AuthFailureLimiter failures) {
        return new AdminAuthenticator(api.getAdminKey(), failures);
    }

    /**
     * The actuator on the application's port: anonymous callers get the health status only, the rest needs the
     * admin key (ActuatorGuard). A separate MANAGEMENT_SERVER_PORT runs its own web server, which this does not
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
    ReadApi readApi(JdbcTemplate jdbc, ReadQueries queries, QrRenderer qr, MediaStore media, ApiProperties api,
            List<SourceMapper> sourceMappers) {
        List<String> sources = new ArrayList<>(List.of(EventEnvelope.WWEBJS));
        sourceMappers.forEach(m -> sources.add(m.source()));
        return new ReadApi(jdbc, queries, qr, media, api.getDefaultPageSize(), api.getMaxPageSize(), sources);
    }

    @Bean
    OutputsApi outputsApi(OutputCatalog catalog, OutputStats stats, DeadLetters deadLetters, FailingEndpoints failing) {
        return new OutputsApi(catalog, stats, deadLetters, failing);
    }

    @Bean
    DeadLetterApi deadLetterApi(DeadLetters deadLetters, DeadLetterReplayer replayer, ApiProperties api) {
        return new DeadLetterApi(deadLetters, replayer, api.getDefaultPageSize(), api.getMaxPageSize());
    }

    /** State-changing admin requests from a browser must come from the console (replay, enable, start a session). */
    @Bean
    CrossSiteGuard crossSiteGuard() {
        return new CrossSiteGuard();
    }

    /** The console starts sessions there with the x-api-key the WhatsApp server expects (WHATSAPP_API_KEY). */
    @Bean
    WhatsAppServer whatsAppServer(WhatsAppServerProperties server, SecurityProperties security) {
        return new WhatsAppServer(server.getUrl(), security.getApiKey(), server.getTimeout());
    }

    @Bean
    Console console(WhatsAppServer whatsAppServer, OutputCatalog outputs) {
        return new Console(whatsAppServer, outputs.all().stream().map(OutputDefinition::name).toList());
    }
}
