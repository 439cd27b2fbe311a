package dev.wagateway.intake;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.wagateway.events.sources.SourceNormaliser;
import dev.wagateway.security.SourceAuthentication;
import dev.wagateway.shared.ExchangeProperties;
import dev.wagateway.shared.WebhookRejection;

/**
 * The {@code sourceGate} step of routes/sources.yaml: a source's endpoint is on only when the source has a mapper
 * and its settings are configured (CLOUD_API_APP_SECRET or CLOUD_API_VERIFY_TOKEN for the Cloud API). Otherwise it
 * answers 404 {@code source_disabled}, as the read API does without ADMIN_API_KEY: an endpoint nobody configured
 * takes nothing.
 */
class SourceGate implements Processor {

    private final SourceAuthentication authentication;
    private final SourceNormaliser normaliser;

    public SourceGate(SourceAuthentication authentication, SourceNormaliser normaliser) {
        this.authentication = authentication;
        this.normaliser = normaliser;
    }

    public boolean isEnabled(String source) {
        return normaliser.maps(source) && authentication.enabled(source).isPresent();
    }

    @Override
    public void process(Exchange exchange) {
        String source = exchange.getProperty(ExchangeProperties.SOURCE, String.class);
        if (source == null || !isEnabled(source)) {
            throw new WebhookRejection(404, "source_disabled",
                    "this source is not configured on the gateway (see docs/sources.md)");
        }
    }
}
