package dev.wagateway.shared;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Starts an HTTP answer from a clean message: every header the client sent is dropped first, so nothing it sent
 * (an API key, a signature, an Authorization header) is echoed back; then status, content type and our headers.
 */
public final class HttpReply {

    private HttpReply() {
    }

    public static Message reset(Exchange exchange, int status, String contentType, Map<String, String> headers) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        headers.forEach(message::setHeader);
        return message;
    }
}
