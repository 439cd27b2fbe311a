package dev.wagateway.security;

import java.util.function.UnaryOperator;

/**
 * One source's own authentication (routes/sources.yaml), checked over the raw body bytes before anything is
 * parsed. A source with nothing configured is off: its endpoint answers 404 {@code source_disabled}.
 */
interface SourceAuthenticator {

    /** The source it authenticates: "cloud", "waha", "evolution" (as SourceMapper.source()). */
    String source();

    /** False when none of the source's settings is set: the endpoint is off. */
    boolean enabled();

    /**
     * How the request authenticated ({@code hmac}, {@code api_key}, {@code none}), or a 401 WebhookRejection.
     * {@code header} looks a request header up by name, case-insensitively (null when absent).
     */
    String authenticate(byte[] body, UnaryOperator<String> header);
}
