package dev.wagateway.events;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.wagateway.security.SourcesProperties;
import dev.wagateway.store.MediaStore;

/** The beans the event routes call by name: the normaliser, the domain-table columns, media and QR codes. */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

    @Bean
    PayloadNormaliser payloadNormaliser() {
        return new PayloadNormaliser();
    }

    @Bean
    MessageColumns messageColumns() {
        return new MessageColumns();
    }

    @Bean
    MediaExtractor mediaExtractor(MediaStore store, SourcesProperties sources) {
        SourcesProperties.Waha waha = sources.getWaha();
        WahaMediaDownloader downloader = waha.getUrl() == null || waha.getUrl().isBlank() ? null
                : new WahaMediaDownloader(waha.getUrl(), waha.getApiKey(), waha.getMediaTimeout(),
                        waha.getMediaMaxBytes(), store);
        return new MediaExtractor(store, downloader);
    }

    @Bean
    MediaColumns mediaColumns(MessageColumns messages, MediaStore store) {
        return new MediaColumns(messages, store);
    }

    @Bean
    QrRenderer qrRenderer() {
        return new QrRenderer();
    }
}
