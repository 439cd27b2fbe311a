package dev.wagateway.api;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * What Tomcat answers itself, without the application (a header block over {@code server.max-http-request-header-size},
 * a malformed request line or URI, an error while the error page ran), as SPEC.md's JSON error instead of Tomcat's
 * HTML page. The same checks as Tomcat's own valve decide whether to answer: an error status, nothing written yet,
 * not reported before, the connection still writable. Public: Tomcat creates the host's valve from its class name.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    public JsonErrorReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    /**
     * Makes this valve the only error report valve of the context's host: named as the host's error report valve
     * class (the host adds it when it starts), and every other ErrorReportValve (Spring Boot adds one with
     * showReport=false, which writes HTML) taken out of the host's pipeline just before the host starts, when every
     * context customizer has run.
     */
    public static void install(Context context) {
        StandardHost host = (StandardHost) context.getParent();
        host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
        host.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                Pipeline pipeline = host.getPipeline();
                for (Valve valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve && !(valve instanceof JsonErrorReportValve)) {
                        pipeline.removeValve(valve);
                    }
                }
            }
        });
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        if (response.getStatus() < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        ErrorAnswer answer = ErrorAnswer.forStatus(response.getStatus());
        byte[] body = answer.json();
        try {
            response.setStatus(answer.status());
            response.setContentType(ErrorAnswer.CONTENT_TYPE);
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(body.length);
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                // The body is ASCII: the writer's encoding cannot change it.
                writer.write(new String(body, StandardCharsets.US_ASCII));
                response.finishResponse();
            }
        } catch (Throwable t) {
            // As Tomcat's own valve: a client gone away is nothing to report.
            org.apache.tomcat.util.ExceptionUtils.handleThrowable(t);
        }
    }
}
