package dev.wagateway.security;

import java.time.Clock;
import java.util.List;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The authenticators of the webhook and of each source. The rate limiter's store needs the database, so intake
 * wires it (intake.IntakeConfiguration); its settings are declared here beside the limiter.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({SecurityProperties.class, RateLimitProperties.class, SourcesProperties.class})
class SecurityConfiguration {

    @Bean
    WebhookAuthenticator webhookAuthenticator(SecurityProperties security) {
        SecurityProperties.StandardWebhooks standard = security.getStandardWebhooks();
        return new WebhookAuthenticator(WebhookAuthenticator.Scheme.of(security.getSignature()),
                security.getWebhookSecret(), security.getWebhookSecretPrevious(), security.getApiKey(),
                standard.getSecrets(), standard.getTolerance(), Clock.systemUTC());
    }

    /** Runs the authenticator of the source a request came to (routes/sources.yaml's shared steps). */
    @Bean
    SourceAuthentication sourceAuthenticator(List<SourceAuthenticator> authenticators) {
        return new SourceAuthentication(authenticators);
    }

    @Bean
    CloudApiAuthenticator cloudApiAuthenticator(SourcesProperties sources) {
        SourcesProperties.Cloud cloud = sources.getCloud();
        return new CloudApiAuthenticator(cloud.getVerifyToken(), cloud.getAppSecret());
    }

    @Bean
    WahaAuthenticator wahaAuthenticator(SourcesProperties sources) {
        return new WahaAuthenticator(sources.getWaha().getHmacKey());
    }

    @Bean
    EvolutionAuthenticator evolutionAuthenticator(SourcesProperties sources) {
        return new EvolutionAuthenticator(sources.getEvolution().getApiKeys());
    }
}
