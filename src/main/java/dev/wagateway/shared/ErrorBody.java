package dev.wagateway.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SPEC.md's error answer, {@code {"success":false,"error":"<code>","message":"<message>"}}, for every part of the
 * gateway that refuses a request: the webhook's checks, the admin API, the start-up and reload gate, and what
 * Spring or Tomcat answer outside the routes.
 */
public final class ErrorBody {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorBody() {
    }

    public static ObjectNode of(String code, String message) {
        return JsonNodeFactory.instance.objectNode().put("success", false).put("error", code).put("message", message);
    }

    public static byte[] bytes(String code, String message) {
        try {
            return MAPPER.writeValueAsBytes(of(code, message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
