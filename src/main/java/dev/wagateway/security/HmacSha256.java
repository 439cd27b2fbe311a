package dev.wagateway.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.wagateway.shared.Digests;

/** HMAC-SHA256 under one secret. The keyed Mac is built once and cloned per use (cheaper than re-keying). */
public final class HmacSha256 {

    private final Mac prototype;

    /** The secret's UTF-8 bytes are the key (the X-Webhook-Signature scheme). */
    public HmacSha256(String secret) {
        this(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** A key given as bytes (Standard Webhooks: the base64-decoded part of a {@code whsec_} secret). */
    public HmacSha256(byte[] key) {
        try {
            prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public byte[] sign(byte[] data) {
        return mac().doFinal(data);
    }

    /** The MAC of {@code prefix} followed by {@code data}, without copying both into one array first. */
    public byte[] sign(byte[] prefix, byte[] data) {
        Mac mac = mac();
        mac.update(prefix);
        return mac.doFinal(data);
    }

    private Mac mac() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header value a sender puts in X-Webhook-Signature: {@code sha256=<lower-case hex>}. */
    public String signatureHeader(byte[] data) {
        return "sha256=" + Digests.hex(sign(data));
    }
}
