package dev.wagateway.intake;

import java.util.Map;

/**
 * A request refused by one of the intake checks. Carries exactly what the client may see: the HTTP status,
 * the error code of SPEC.md's response table, a human message, and any extra response headers. Never a cause.
 */
public class WebhookRejection extends RuntimeException {

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    public WebhookRejection(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public WebhookRejection(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public int status() { return status; }
    public String code() { return code; }
    public Map<String, String> headers() { return headers; }

    public static WebhookRejection badRequest(String code, String message) {
        return new WebhookRejection(400, code, message);
    }

    public static WebhookRejection unauthorized(String code, String message) {
        return new WebhookRejection(401, code, message);
    }
}
