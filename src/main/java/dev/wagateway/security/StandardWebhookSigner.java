package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The {@code webhook-signature} of the Standard Webhooks specification (standardwebhooks.com): HMAC-SHA256 over
 * {@code {id}.{timestamp}.{body}}, keyed with the base64-decoded part of a {@code whsec_} secret, written
 * {@code v1,<base64>}. With several secrets (a rotation) it writes one signature per secret, space-separated, so a
 * receiver that knows any one of them accepts the request. The keys are decoded and checked once, at start-up.
 */
public final class StandardWebhookSigner {

    public static final String PREFIX = "whsec_";

    private final List<HmacSha256> keys;

    /**
     * @param secretsBySetting each {@code whsec_} secret under the name of the setting it came from (in the order the
     *        signatures are written), so that a malformed one is refused naming where it is, never showing it
     */
    public StandardWebhookSigner(Map<String, String> secretsBySetting) {
        if (secretsBySetting.isEmpty()) {
            throw new IllegalArgumentException("a Standard Webhooks signature needs at least one whsec_ secret");
        }
        List<HmacSha256> parsed = new ArrayList<>();
        secretsBySetting.forEach((setting, secret) -> parsed.add(new HmacSha256(key(setting, secret))));
        this.keys = List.copyOf(parsed);
    }

    /** The key bytes of a {@code whsec_<base64>} secret; refused with the setting's name when it is not one. */
    static byte[] key(String setting, String secret) {
        String s = secret == null ? "" : secret.trim();
        if (!s.startsWith(PREFIX)) {
            throw new IllegalArgumentException(setting + " must be a Standard Webhooks secret: whsec_ followed by base64");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(s.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " is not valid base64 after whsec_");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException(setting + " has no key after whsec_");
        }
        return key;
    }

    /** The {@code webhook-signature} header value for this message id, timestamp (epoch seconds) and body. */
    public String signature(String id, long timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        StringBuilder header = new StringBuilder();
        for (HmacSha256 key : keys) {
            if (!header.isEmpty()) {
                header.append(' ');
            }
            header.append("v1,").append(Base64.getEncoder().encodeToString(key.sign(prefix, body)));
        }
        return header.toString();
    }
}
