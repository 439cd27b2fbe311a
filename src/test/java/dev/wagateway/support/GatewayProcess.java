package dev.wagateway.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The gateway in a JVM of its own, with the JVM options a test chooses (a bounded heap), and GC logging so the test
 * can read the heap's high-water mark.
 *
 * <p>When the packaged jar is there and newer than every compiled class (always under {@code ./mvnw verify}: Failsafe
 * runs after {@code package}), it is started the production way, by {@code tools/gateway}: the jar extracted, with
 * the JDK's class-data-sharing archive (made by one training run, kept in {@code target/gateway-process-cache}). So
 * these tests run what operators run, and each of the twenty-odd forked starts of a build costs a few seconds less.
 * Otherwise (an IDE run before packaging) it starts from the test class path.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final Process process;
    private final int port;
    private final Path gcLog;
    private final Path output;

    private GatewayProcess(Process process, int port, Path gcLog, Path output) {
        this.process = process;
        this.port = port;
        this.gcLog = gcLog;
        this.output = output;
    }

    public static GatewayProcess start(List<String> jvmOptions, List<String> arguments) throws IOException {
        GatewayProcess gateway = launch(jvmOptions, arguments);
        gateway.awaitUp();
        return gateway;
    }

    /** Starts the process and returns at once, before it listens: for tests that watch the start-up itself. */
    public static GatewayProcess launch(List<String> jvmOptions, List<String> arguments) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path dir = Files.createTempDirectory("wagw-process");
        Path gcLog = dir.resolve("gc.log");
        Path output = dir.resolve("out.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-Xlog:gc:file=" + gcLog);
        List<String> command = new ArrayList<>();
        ProcessBuilder builder = new ProcessBuilder(command);
        Path jar = currentPackagedJar();
        if (jar != null) {
            command.add(Path.of("tools", "gateway").toAbsolutePath().toString());
            Map<String, String> environment = builder.environment();
            environment.put("GATEWAY_JAR", jar.toString());
            environment.put("GATEWAY_JAVA", java);
            environment.put("GATEWAY_CACHE_DIR", Path.of("target", "gateway-process-cache").toAbsolutePath().toString());
            environment.put("JAVA_OPTS", String.join(" ", options));
            // What the test class path gave the other way: the test runs' log levels and small pools.
            command.add("--spring.config.import=optional:file:" + TEST_SETTINGS.toAbsolutePath());
        } else {
            command.add(java);
            command.addAll(options);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("dev.wagateway.GatewayApplication");
        }
        command.add("--server.port=" + port);
        command.addAll(arguments);
        Process process = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new GatewayProcess(process, port, gcLog, output);
    }

    private static final Path TEST_SETTINGS = Path.of("target", "test-classes", "config", "application.properties");

    /** The packaged jar when it holds the classes just compiled, else null (a stale jar would test old code). */
    private static Path currentPackagedJar() throws IOException {
        Path target = Path.of("target");
        if (!Files.isDirectory(target) || !Files.isExecutable(Path.of("tools", "gateway"))) {
            return null;
        }
        Path jar;
        try (Stream<Path> jars = Files.list(target)) {
            jar = jars.filter(p -> p.getFileName().toString().matches("whatsapp-webhook-gateway-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith(".original")).findFirst().orElse(null);
        }
        if (jar == null) {
            return null;
        }
        FileTime packaged = Files.getLastModifiedTime(jar);
        try (Stream<Path> classes = Files.walk(target.resolve("classes"))) {
            boolean newer = classes.filter(Files::isRegularFile).anyMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(packaged) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
            return newer ? null : jar.toAbsolutePath();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int port() {
        return port;
    }

    /** The largest heap occupancy any GC found before collecting, in MB. */
    public long peakHeapMb() throws IOException {
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }

    public String output() throws IOException {
        return Files.readString(output);
    }

    /** Until the webhook's availability GET answers 200 (the routes run), or 90 s. */
    public void awaitUp() throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gateway exited: " + output());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/whatsapp/webhook")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        close();
        throw new IOException("gateway did not come up in 90 s: " + output());
    }

    /** {@code kill -9}: the process ends at once, mid-whatever. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Sends {@code SIGTERM} and returns at once, for tests that watch the stop itself. */
    public void signalTerminate() {
        process.destroy();
    }

    /** {@code SIGTERM}: the graceful stop; waits until the process has ended. */
    public void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the gateway did not stop within 60 s of SIGTERM");
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(20), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
