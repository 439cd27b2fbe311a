package dev.wagateway.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import dev.wagateway.shared.Digests;

/**
 * Guards the read API. {@code Authorization: Bearer <ADMIN_API_KEY>}, or HTTP Basic with the key as password so
 * a browser can open the QR PNG (it prompts, the key never goes in a URL). Without a configured key the API is
 * off: every request gets 404, nothing is readable. Constant-time comparison, as for the webhook key.
 */
public class AdminAuthenticator implements Processor {

    private final byte[] keyDigest;

    public AdminAuthenticator(String key) {
        this.keyDigest = key == null || key.isBlank() ? null : Digests.sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void process(Exchange exchange) {
        if (keyDigest == null) {
            throw ApiError.notFound("read_api_disabled", "the read API is off: set ADMIN_API_KEY to enable it");
        }
        String presented = presentedKey(exchange.getMessage().getHeader("Authorization", String.class));
        if (presented == null || !MessageDigest.isEqual(Digests.sha256(presented.getBytes(StandardCharsets.UTF_8)), keyDigest)) {
            throw new ApiError(401, "unauthorized", "send Authorization: Bearer <admin key>",
                    Map.of("WWW-Authenticate", "Bearer realm=\"whatsapp-gateway\", Basic realm=\"whatsapp-gateway\""));
        }
    }

    static String presentedKey(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
