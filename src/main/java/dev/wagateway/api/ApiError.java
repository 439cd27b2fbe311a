package dev.wagateway.api;

import java.util.Map;

/** A read-API request that cannot be answered as asked: status, error code and a message safe to show. */
public class ApiError extends RuntimeException {

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    public ApiError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public int status() { return status; }
    public String code() { return code; }
    public Map<String, String> headers() { return headers; }

    public static ApiError notFound(String code, String message) {
        return new ApiError(404, code, message);
    }

    public static ApiError badParameter(String message) {
        return new ApiError(400, "invalid_parameter", message);
    }
}
