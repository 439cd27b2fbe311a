package dev.wagateway.api;

import java.io.IOException;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Spring Boot's error page ({@code /error}, where Tomcat forwards every {@code sendError} and uncaught exception),
 * in place of its BasicErrorController: SPEC.md's JSON error shape instead of Spring's error attributes
 * (timestamp, path, status) or a whitelabel page. Headers set before the error stay (Spring's {@code Allow} on a
 * 405); the body is only the status's code and fixed message ({@link ErrorAnswer}).
 * <p>
 * A {@code @Controller}, so component scanning registers it (every method, since the failed request's method is
 * kept on the error dispatch) and Spring Boot then leaves out its own.
 */
@Controller
@RequestMapping("${server.error.path:${error.path:/error}}")
public class GatewayErrorController implements ErrorController {

    @RequestMapping
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            // The answer had begun (a download that failed midway): Tomcat only includes this page, and JSON
            // appended to half a body helps nobody. The connection is closed as the error leaves it.
            return;
        }
        // No error status: /error was asked for directly, which is as unknown to a client as any other path.
        ErrorAnswer answer = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status
                ? ErrorAnswer.forStatus(status)
                : ErrorAnswer.forStatus(404);
        byte[] body = answer.json();
        response.setStatus(answer.status());
        response.setContentType(ErrorAnswer.CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
