package dev.wagateway.shared;

import java.util.Map;

/**
 * A webhook request refused by one of the intake checks, with the status and error code of SPEC.md's response
 * table. The route configuration in routes/intake.yaml turns it into the JSON answer.
 */
public class WebhookRejection extends ClientError {

    public WebhookRejection(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public WebhookRejection(int status, String code, String message, Map<String, String> headers) {
        super(status, code, message, headers);
    }

    public static WebhookRejection badRequest(String code, String message) {
        return new WebhookRejection(400, code, message);
    }

    public static WebhookRejection unauthorized(String code, String message) {
        return new WebhookRejection(401, code, message);
    }
}
