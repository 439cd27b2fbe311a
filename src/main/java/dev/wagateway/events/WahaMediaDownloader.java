package dev.wagateway.events;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import dev.wagateway.store.MediaStore;

/**
 * Fetches a file WAHA keeps for a message ({@code payload.media.url}, on WAHA's {@code /api/files/}) into the media
 * store. Only the URL's path is taken from the delivery: the host is always {@code WAHA_URL}, so a delivery cannot
 * make the gateway fetch anything else (WAHA writes its own WAHA_BASE_URL into the URL, which need not be how the
 * gateway reaches it).
 */
class WahaMediaDownloader {

    static final String FILES_PATH = "/api/files/";

    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final long maxBytes;
    private final MediaStore store;
    private final HttpClient http;

    WahaMediaDownloader(String baseUrl, String apiKey, Duration timeout, long maxBytes, MediaStore store) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(trimmed);
        if (base.getScheme() == null || !base.getScheme().matches("https?") || base.getHost() == null) {
            throw new IllegalArgumentException("gateway.sources.waha.url (WAHA_URL) must be an http(s) URL such as "
                    + "http://waha:3000, not '" + baseUrl + "'");
        }
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.store = store;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Downloads the file behind WAHA's {@code url} into the store. */
    MediaStore.StoredFile download(String url) throws IOException {
        URI source = target(url);
        HttpRequest.Builder request = HttpRequest.newBuilder(source).timeout(timeout).GET();
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("WAHA did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading from WAHA");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("WAHA answered " + response.statusCode() + " for " + source.getPath());
            }
            return store.store(body, maxBytes);
        }
    }

    /** WAHA_URL + the path (and query) of WAHA's URL, which must be one of its files. */
    URI target(String url) throws IOException {
        URI given;
        try {
            given = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IOException("payload.media.url is not a URL");
        }
        String path = given.getRawPath();
        if (path == null || !path.startsWith(FILES_PATH) || path.contains("/../") || path.contains("%2F")
                || path.contains("%2f")) {
            throw new IOException("payload.media.url is not one of WAHA's files (" + FILES_PATH + "...)");
        }
        String query = given.getRawQuery();
        return URI.create(base + path + (query == null ? "" : "?" + query));
    }
}
