package dev.wagateway.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers the API paths with SPEC.md's JSON {@code 503} and {@code Retry-After} until the application is ready.
 * Tomcat takes connections a few seconds before the Camel routes that serve those paths exist; without this a
 * webhook posted in that window got Spring's 404 page, and a sender that never retries took it as final. A 503 is
 * what a load balancer retries on another instance. Opens on {@link ApplicationReadyEvent}, which comes after Camel
 * has started its routes and just before readiness turns UP. (On the way down the web server stops before Camel,
 * so no request meets a missing route then.)
 */
public class StartupGate extends OncePerRequestFilter implements ApplicationListener<ApplicationReadyEvent> {

    private static final byte[] STARTING = ("{\"success\":false,\"error\":\"starting\","
            + "\"message\":\"the gateway is starting; retry in a moment\"}").getBytes(StandardCharsets.UTF_8);

    private volatile boolean open;

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        open = true;
    }

    public boolean isOpen() {
        return open;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return open;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (open) { // opened while this request was on its way in
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(503);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/json");
        response.setContentLength(STARTING.length);
        response.getOutputStream().write(STARTING);
    }
}
