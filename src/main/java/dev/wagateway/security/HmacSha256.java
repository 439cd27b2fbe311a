package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.wagateway.shared.Digests;

/** HMAC-SHA256 under one secret. The keyed Mac is built once and cloned per use (cheaper than re-keying). */
public final class HmacSha256 {

    private final Mac prototype;

    public HmacSha256(String secret) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public byte[] sign(byte[] data) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
        return mac.doFinal(data);
    }

    /** The header value a sender puts in X-Webhook-Signature: {@code sha256=<lower-case hex>}. */
    public String signatureHeader(byte[] data) {
        return "sha256=" + Digests.hex(sign(data));
    }
}
