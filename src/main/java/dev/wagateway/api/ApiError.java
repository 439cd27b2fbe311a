package dev.wagateway.api;

import java.util.Map;

import dev.wagateway.shared.ClientError;

/** An admin API request that cannot be answered as asked (routes/api.yaml turns it into the JSON answer). */
public class ApiError extends ClientError {

    public ApiError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiError(int status, String code, String message, Map<String, String> headers) {
        super(status, code, message, headers);
    }

    public static ApiError notFound(String code, String message) {
        return new ApiError(404, code, message);
    }

    public static ApiError badParameter(String message) {
        return new ApiError(400, "invalid_parameter", message);
    }
}
