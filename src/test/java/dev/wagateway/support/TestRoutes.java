package dev.wagateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A copy of the repository's routes/ in a temporary directory, for tests that edit or add route files. */
public final class TestRoutes {

    private TestRoutes() {
    }

    public static Path copy(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    /** The value of camel.main.routes-include-pattern that loads every YAML file of {@code dir}. */
    public static String pattern(Path dir) {
        return "file:" + dir + "/*.yaml";
    }
}
