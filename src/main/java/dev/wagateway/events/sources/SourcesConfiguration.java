package dev.wagateway.events.sources;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.wagateway.security.SourcesProperties;

/**
 * One {@link SourceMapper} per source of routes/sources.yaml, and the normaliser that finds them by the source's
 * name. A new source adds its mapper here, its authenticator in security.SecurityConfiguration and its route.
 */
@Configuration(proxyBeanMethods = false)
class SourcesConfiguration {

    @Bean
    SourceNormaliser sourceNormaliser(List<SourceMapper> mappers) {
        return new SourceNormaliser(mappers);
    }

    /** WhatsApp Business Cloud API (Meta). */
    @Bean
    CloudApiMapper cloudApiMapper() {
        return new CloudApiMapper();
    }

    /** WAHA (devlikeapro/waha). */
    @Bean
    WahaMapper wahaMapper(SourcesProperties sources) {
        String url = sources.getWaha().getUrl();
        return new WahaMapper(url != null && !url.isBlank());
    }

    /** Evolution API (EvolutionAPI/evolution-api). */
    @Bean
    EvolutionMapper evolutionMapper() {
        return new EvolutionMapper();
    }
}
