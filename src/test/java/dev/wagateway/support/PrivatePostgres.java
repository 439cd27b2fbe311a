package dev.wagateway.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, pg_ctl start/stop on a free port), for
 * tests that stop the database under a running gateway without touching the shared server the other tests use.
 * Uses the PostgreSQL binaries installed on the machine; as root it runs them as the {@code postgres} user.
 */
public final class PrivatePostgres implements AutoCloseable {

    private final Path bin;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path dataDir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static PrivatePostgres create() throws IOException {
        Path bin = binaries();
        Path dataDir = Files.createTempDirectory("wagw-pg-");
        boolean root = "root".equals(System.getProperty("user.name"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        PrivatePostgres pg = new PrivatePostgres(bin, dataDir, port, root);
        if (root) {
            run(List.of("chown", "postgres", dataDir.toString()));
        }
        pg.pg("initdb", "-D", dataDir.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        pg.start();
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public void start() throws IOException {
        pg("pg_ctl", "-D", dataDir.toString(), "-w", "-t", "30", "-l", dataDir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    public void stop() throws IOException {
        pg("pg_ctl", "-D", dataDir.toString(), "-w", "-t", "30", "-m", "fast", "stop");
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (IOException ignored) {
            // already stopped
        }
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private void pg(String tool, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(Arrays.asList(args));
        run(command);
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String output = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + output);
        }
    }

    /** The newest installed PostgreSQL's bin directory, or -Dtest.postgres.bin. */
    private static Path binaries() throws IOException {
        String configured = System.getProperty("test.postgres.bin");
        if (configured != null) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            throw new IOException("no PostgreSQL binaries under /usr/lib/postgresql; set -Dtest.postgres.bin");
        }
        try (var versions = Files.list(root)) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IOException("no pg_ctl under /usr/lib/postgresql/*/bin"));
        }
    }
}
