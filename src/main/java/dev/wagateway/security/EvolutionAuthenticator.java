package dev.wagateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.util.function.UnaryOperator;

import dev.wagateway.shared.Digests;
import dev.wagateway.shared.WebhookRejection;

/**
 * Authenticates an Evolution API webhook POST by the key it carries. Evolution API cannot sign: it puts the
 * instance's token in the body's top-level {@code apikey} field (when its AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES
 * is true), and an instance webhook can also send custom headers, so an {@code apikey} header is accepted too.
 * Either one equal to a configured EVOLUTION_API_KEY (comma-separated: one token per instance) authenticates;
 * compared as SHA-256 digests in constant time, every key tried (no early exit). The body is only scanned for
 * the field, not parsed into a tree: checks run before the JSON is validated. Without EVOLUTION_API_KEY the
 * Evolution endpoints are off (404 source_disabled), as every source with none of its settings is.
 */
class EvolutionAuthenticator implements SourceAuthenticator {

    public static final String API_KEY_HEADER = "apikey";
    static final String API_KEY_FIELD = "apikey";

    private static final JsonFactory JSON = new JsonFactory();

    private final List<byte[]> keyDigests = new ArrayList<>();

    public EvolutionAuthenticator(List<String> apiKeys) {
        if (apiKeys != null) {
            for (String key : apiKeys) {
                if (key != null && !key.isBlank()) {
                    keyDigests.add(sha256(key.trim()));
                }
            }
        }
    }

    @Override
    public String source() {
        return "evolution";
    }

    @Override
    public boolean enabled() {
        return !keyDigests.isEmpty();
    }

    @Override
    public String authenticate(byte[] body, UnaryOperator<String> header) {
        return authenticateKey(body, header.apply(API_KEY_HEADER));
    }

    /** Returns {@code api_key} when the body's or the header's apikey is a configured one, or throws a 401. */
    public String authenticateKey(byte[] body, String headerKey) {
        if (!enabled()) {
            throw new IllegalStateException("Evolution API is off: EVOLUTION_API_KEY is not set");
        }
        String bodyKey = bodyApiKey(body);
        boolean headerPresent = headerKey != null && !headerKey.isEmpty();
        if (!headerPresent && bodyKey == null) {
            throw WebhookRejection.unauthorized("invalid_api_key",
                    "no apikey: Evolution API sends the instance token as apikey when "
                            + "AUTHENTICATION_EXPOSE_IN_FETCH_INSTANCES=true");
        }
        boolean match = headerPresent && matches(headerKey);
        match |= bodyKey != null && matches(bodyKey);
        if (!match) {
            throw WebhookRejection.unauthorized("invalid_api_key", "the apikey is not valid");
        }
        return "api_key";
    }

    private boolean matches(String candidate) {
        byte[] digest = sha256(candidate);
        boolean match = false;
        for (byte[] key : keyDigests) {
            // No early exit: the time taken does not tell which key matched.
            match |= MessageDigest.isEqual(digest, key);
        }
        return match;
    }

    /** The top-level apikey string of a JSON object body, or null (not JSON, not an object, absent, not text). */
    static String bodyApiKey(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String found = null;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (API_KEY_FIELD.equals(field) && value == JsonToken.VALUE_STRING) {
                    found = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            // Only a whole, well-formed object counts: a key before garbage proves nothing about the rest.
            return token == JsonToken.END_OBJECT && parser.nextToken() == null ? found : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] sha256(String value) {
        return Digests.sha256(value.getBytes(StandardCharsets.UTF_8));
    }
}
