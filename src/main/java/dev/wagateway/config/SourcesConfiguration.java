package dev.wagateway.config;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.wagateway.events.sources.CloudApiMapper;
import dev.wagateway.events.sources.EvolutionMapper;
import dev.wagateway.events.sources.SourceMapper;
import dev.wagateway.events.sources.SourceNormaliser;
import dev.wagateway.events.sources.WahaMapper;
import dev.wagateway.intake.CloudApiHandshake;
import dev.wagateway.intake.SourceGate;
import dev.wagateway.security.CloudApiAuthenticator;
import dev.wagateway.security.EvolutionAuthenticator;
import dev.wagateway.security.SourceAuthentication;
import dev.wagateway.security.SourceAuthenticator;
import dev.wagateway.security.WahaAuthenticator;

/**
 * The beans of routes/sources.yaml: the shared steps every source endpoint runs ({@code sourceGate},
 * {@code sourceAuthenticator}, {@code sourceNormaliser}) and, per source, a
 * {@link SourceAuthenticator} and a {@link SourceMapper}. A new source adds those two beans and its route; the
 * shared steps find them by the source's name.
 */
@Configuration(proxyBeanMethods = false)
public class SourcesConfiguration {

    /** The sources' endpoints: their POST bodies are read by the route itself (intake.DeferredBodyFilter). */
    public static final List<String> SOURCE_PATHS = List.of("/api/whatsapp/cloud", "/api/whatsapp/waha",
            "/api/whatsapp/evolution");

    @Bean
    SourceAuthentication sourceAuthenticator(List<SourceAuthenticator> authenticators) {
        return new SourceAuthentication(authenticators);
    }

    @Bean
    SourceNormaliser sourceNormaliser(List<SourceMapper> mappers) {
        return new SourceNormaliser(mappers);
    }

    @Bean
    SourceGate sourceGate(SourceAuthentication authentication, SourceNormaliser normaliser) {
        return new SourceGate(authentication, normaliser);
    }

    // --- WhatsApp Business Cloud API (Meta) -----------------------------------------------------------------

    @Bean
    CloudApiAuthenticator cloudApiAuthenticator(GatewayProperties properties) {
        GatewayProperties.Sources.Cloud cloud = properties.getSources().getCloud();
        return new CloudApiAuthenticator(cloud.getVerifyToken(), cloud.getAppSecret());
    }

    @Bean
    CloudApiMapper cloudApiMapper() {
        return new CloudApiMapper();
    }

    @Bean
    CloudApiHandshake cloudApiHandshake(CloudApiAuthenticator authenticator) {
        return new CloudApiHandshake(authenticator);
    }

    // --- WAHA (devlikeapro/waha) -----------------------------------------------------------------------------

    @Bean
    WahaAuthenticator wahaAuthenticator(GatewayProperties properties) {
        return new WahaAuthenticator(properties.getSources().getWaha().getHmacKey());
    }

    @Bean
    WahaMapper wahaMapper() {
        return new WahaMapper();
    }

    // --- Evolution API (EvolutionAPI/evolution-api) ------------------------------------------------------------

    @Bean
    EvolutionAuthenticator evolutionAuthenticator(GatewayProperties properties) {
        return new EvolutionAuthenticator(properties.getSources().getEvolution().getApiKeys());
    }

    @Bean
    EvolutionMapper evolutionMapper() {
        return new EvolutionMapper();
    }
}
