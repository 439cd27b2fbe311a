package dev.wagateway.security;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.wagateway.shared.ExchangeProperties;

/**
 * The {@code sourceAuthenticator} step of routes/sources.yaml: runs the {@link SourceAuthenticator} of the source
 * the endpoint set ({@link ExchangeProperties#SOURCE}) over the raw body, and records how the request authenticated.
 */
public class SourceAuthentication implements Processor {

    private final Map<String, SourceAuthenticator> bySource = new HashMap<>();

    public SourceAuthentication(List<SourceAuthenticator> authenticators) {
        for (SourceAuthenticator a : authenticators) {
            if (bySource.put(a.source(), a) != null) {
                throw new IllegalStateException("two authenticators for source " + a.source());
            }
        }
    }

    /** The source's authenticator when the source is configured (on), else empty. */
    public Optional<SourceAuthenticator> enabled(String source) {
        return Optional.ofNullable(bySource.get(source)).filter(SourceAuthenticator::enabled);
    }

    @Override
    public void process(Exchange exchange) {
        String source = exchange.getProperty(ExchangeProperties.SOURCE, String.class);
        SourceAuthenticator authenticator = enabled(source).orElseThrow(
                () -> new IllegalStateException("no enabled authenticator for source " + source + " (sourceGate first)"));
        Message in = exchange.getMessage();
        exchange.setProperty(ExchangeProperties.AUTH_METHOD,
                authenticator.authenticate(in.getBody(byte[].class), name -> in.getHeader(name, String.class)));
    }
}
