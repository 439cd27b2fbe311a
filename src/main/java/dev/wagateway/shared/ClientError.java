package dev.wagateway.shared;

import java.util.Map;

/**
 * An answer refused to the client, carrying exactly what it may see: the HTTP status, an error code, a message
 * and any extra response headers, never a cause or a stack trace. The webhook's {@code WebhookRejection} and the
 * admin API's {@code ApiError} are its two kinds.
 */
public abstract class ClientError extends RuntimeException {

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    protected ClientError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public int status() { return status; }
    public String code() { return code; }
    public Map<String, String> headers() { return headers; }
}
