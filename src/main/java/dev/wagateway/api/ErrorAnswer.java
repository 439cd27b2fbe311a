package dev.wagateway.api;

import java.util.Map;

import dev.wagateway.shared.ErrorBody;

/**
 * The answer to a request that no route answered: Spring MVC's (no such path, method not allowed, unsupported
 * content type, an exception) through {@link GatewayErrorController}, and Tomcat's own (a header block too large,
 * a malformed request line) through {@link JsonErrorReportValve}. SPEC.md's error shape with a code and a fixed
 * message per status: never the exception, the path, the server's name or version, or a time.
 */
record ErrorAnswer(int status, String code, String message) {

    public static final String CONTENT_TYPE = "application/json";

    private static final Map<Integer, ErrorAnswer> BY_STATUS = Map.ofEntries(
            answer(400, "bad_request", "the request could not be understood"),
            answer(401, "unauthorized", "the request is not authenticated"),
            answer(403, "forbidden", "the request is not allowed"),
            answer(404, "not_found", "no such endpoint"),
            answer(405, "method_not_allowed", "the method is not allowed on this endpoint"),
            answer(406, "not_acceptable", "no acceptable representation of this resource"),
            answer(408, "request_timeout", "the request did not arrive in time"),
            answer(411, "length_required", "the request needs a Content-Length"),
            answer(413, "payload_too_large", "the request is too large"),
            answer(414, "uri_too_long", "the request URI is too long"),
            answer(415, "unsupported_media_type", "the content type is not accepted"),
            answer(417, "expectation_failed", "the expectation cannot be met"),
            answer(431, "request_header_fields_too_large", "the request headers are too large"),
            answer(500, "internal_error", "the gateway could not handle this request"),
            answer(501, "not_implemented", "the request needs something the gateway does not implement"),
            answer(503, "service_unavailable", "the gateway cannot take the request now; retry later"),
            answer(505, "http_version_not_supported", "the HTTP version is not supported"));

    /** The answer for an error status; a status that is no client or server error counts as an internal error. */
    public static ErrorAnswer forStatus(int status) {
        ErrorAnswer known = BY_STATUS.get(status);
        if (known != null) {
            return known;
        }
        if (status >= 400 && status < 500) {
            return new ErrorAnswer(status, "client_error", "the request was refused");
        }
        if (status >= 500 && status < 600) {
            return new ErrorAnswer(status, "server_error", "the gateway could not handle this request");
        }
        return BY_STATUS.get(500);
    }

    /** {"success":false,"error":"<code>","message":"<message>"} */
    public byte[] json() {
        return ErrorBody.bytes(code, message);
    }

    private static Map.Entry<Integer, ErrorAnswer> answer(int status, String code, String message) {
        return Map.entry(status, new ErrorAnswer(status, code, message));
    }
}
