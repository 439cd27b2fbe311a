package dev.wagateway.intake;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.wagateway.shared.ExchangeProperties;

/**
 * Keeps the webhook body away from Camel's HTTP binding, which would read and buffer it whole before the first
 * processor runs. The intake route reads it itself, in SPEC.md's order: the rate limiter decides before a byte
 * is read, the size limit stops reading at the maximum, and the signature is checked over the exact bytes
 * (the binding would decode them through a Reader). The original request waits in a request attribute.
 */
public class DeferredBodyFilter extends OncePerRequestFilter {

    private final List<String> pathPrefixes;

    /** The webhook's path and each source's (routes/sources.yaml): every endpoint whose route reads its own body. */
    public DeferredBodyFilter(String... pathPrefixes) {
        this.pathPrefixes = List.of(pathPrefixes);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String uri = request.getRequestURI();
        return !"POST".equals(request.getMethod()) || uri == null || pathPrefixes.stream().noneMatch(uri::startsWith);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        request.setAttribute(ExchangeProperties.ORIGINAL_REQUEST, request);
        chain.doFilter(new BodylessRequest(request), response);
    }

    /** The request as Camel's binding sees it: no body (content length 0, empty streams). */
    static final class BodylessRequest extends HttpServletRequestWrapper {
        BodylessRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public int getContentLength() { return 0; }

        @Override
        public long getContentLengthLong() { return 0; }

        @Override
        public ServletInputStream getInputStream() { return new EmptyServletInputStream(); }

        // Tomcat would parse a form-encoded body for parameters, consuming it: the webhook takes no parameters.
        @Override
        public String getParameter(String name) { return null; }

        @Override
        public Map<String, String[]> getParameterMap() { return Map.of(); }

        @Override
        public Enumeration<String> getParameterNames() { return Collections.emptyEnumeration(); }

        @Override
        public String[] getParameterValues(String name) { return null; }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(new byte[0]), StandardCharsets.UTF_8));
        }
    }

    static final class EmptyServletInputStream extends ServletInputStream {
        @Override public boolean isFinished() { return true; }
        @Override public boolean isReady() { return true; }
        @Override public void setReadListener(ReadListener readListener) { throw new UnsupportedOperationException(); }
        @Override public int read() { return -1; }
    }
}
