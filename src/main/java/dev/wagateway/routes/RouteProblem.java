package dev.wagateway.routes;

import java.nio.file.Path;

/**
 * One mistake in a route file, printed as {@code file:line: message} (compiler style, so editors, CI logs and grep
 * can jump to it); {@code file: message} when it belongs to no line (line 0).
 */
public record RouteProblem(Path file, int line, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
