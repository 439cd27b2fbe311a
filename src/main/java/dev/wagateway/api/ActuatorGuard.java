package dev.wagateway.api;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import dev.wagateway.shared.ErrorBody;

/**
 * Stands in front of the actuator on the application's port. Anonymous callers get the health status only
 * ({@code {"status":"UP"}}, from {@code health} and the {@code liveness}/{@code readiness} probes, with the probe's
 * HTTP status: what load balancers and orchestrators check); everything else there (health details, metrics,
 * Prometheus, info, the endpoint list) needs the admin key, checked and throttled by {@link AdminAuthenticator}
 * exactly as for the read API, so a wrong key counts towards the same per-client limit. Without ADMIN_API_KEY only
 * the status is served; details and metrics are then available only on a separate management port
 * ({@code MANAGEMENT_SERVER_PORT}), which runs in its own web server that this filter does not cover, for a
 * private network.
 * <p>
 * A servlet filter rather than Spring Security: one key, one rule, the same answers and throttle as the rest of
 * the admin API, and no second authentication stack whose defaults (sessions, CSRF, its own 401 page) would have
 * to be undone on every other path.
 */
public class ActuatorGuard extends OncePerRequestFilter {

    private final AdminAuthenticator authenticator;
    private final String basePath;
    private final Set<String> publicHealth;

    public ActuatorGuard(AdminAuthenticator authenticator, String basePath) {
        this.authenticator = authenticator;
        this.basePath = basePath;
        this.publicHealth = Set.of(basePath + "/health", basePath + "/health/liveness", basePath + "/health/readiness");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !(path.equals(basePath) || path.startsWith(basePath + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean anonymous = request.getHeader("Authorization") == null;
        boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        if (anonymous && read && publicHealth.contains(path(request))) {
            statusOnly(request, response, chain);
            return;
        }
        try {
            authenticator.authenticate(request);
        } catch (ApiError refused) {
            refused.headers().forEach(response::setHeader);
            write(response, refused.status(), ErrorBody.bytes(refused.code(), refused.getMessage()));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The health answer cut down to its status: no components, details, groups or anything added later. */
    private static void statusOnly(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
        chain.doFilter(request, captured);
        byte[] body = captured.getContentAsByteArray();
        if (body.length == 0 || response.isCommitted()) {
            // A HEAD (no body; the actuator's own media type would name the framework), or an error the container
            // answers itself (its /error page).
            if (!response.isCommitted()) {
                response.setContentType("application/json");
            }
            return;
        }
        JsonNode status = ApiSupport.parse(new String(body, java.nio.charset.StandardCharsets.UTF_8)).path("status");
        if (!status.isTextual()) {
            ErrorAnswer internal = ErrorAnswer.forStatus(500);
            write(response, internal.status(), internal.json());
            return;
        }
        write(response, captured.getStatus(),
                ApiSupport.bytes(ApiSupport.mapper.createObjectNode().put("status", status.asText())));
    }

    private static void write(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The decoded, normalised path (Tomcat has removed {@code ..} and {@code ;params}), as the actuator sees it. */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String info = request.getPathInfo();
        return info == null ? servletPath : servletPath + info;
    }
}
