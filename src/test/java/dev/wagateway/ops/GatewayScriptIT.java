package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;

/**
 * tools/gateway for real, on the packaged jar and the JDK running this test: the first start makes the start cache
 * (a training run on its own embedded database) and then serves on PostgreSQL, storing what it acknowledges; the
 * second start finds the cache and serves at once from the extracted jar.
 */
class GatewayScriptIT {

    @TempDir
    Path dir;

    @Test
    void firstStartMakesTheCacheAndServesTheNextStartUsesIt() throws Exception {
        String database = TestPostgres.createDatabase("tools_gateway");
        Path cache = dir.resolve("cache");

        Path firstLog = dir.resolve("first.log");
        int port = freePort();
        Process first = start(database, cache, port, firstLog);
        try {
            WebhookClient client = awaitWebhook(first, port, firstLog, Duration.ofSeconds(240));
            assertThat(client.post("/api/whatsapp/webhook",
                    "{\"sessionId\":\"tools-gateway\",\"event\":\"ready\",\"data\":{}}").status()).isEqualTo(200);
            assertThat(TestPostgres.jdbc(database).queryForObject(
                    "SELECT count(*) FROM wa_events WHERE session_id = 'tools-gateway'", Long.class)).isEqualTo(1);
        } finally {
            stop(first);
        }
        assertThat(Files.readString(firstLog)).contains("making the start cache");
        try (var keys = Files.list(cache)) {
            List<Path> made = keys.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("train."))
                    .toList();
            assertThat(made).hasSize(1);
            assertThat(Files.list(made.get(0)).map(p -> p.getFileName().toString()))
                    .anyMatch(name -> name.equals("app.aot") || name.equals("app.jsa"))
                    .contains("lib");
        }

        Path secondLog = dir.resolve("second.log");
        port = freePort();
        Process second = start(database, cache, port, secondLog);
        try {
            awaitWebhook(second, port, secondLog, Duration.ofSeconds(120));
            // exec'd: the process tools/gateway started as is the JVM itself, so SIGTERM from systemd reaches it.
            assertThat(second.info().command().orElse("")).endsWith("java");
        } finally {
            stop(second);
        }
        assertThat(Files.readString(secondLog)).doesNotContain("making the start cache")
                // the build's Spring AOT context (pom.xml process-aot), which tools/gateway asks for
                .contains("Starting AOT-processed GatewayApplication");
        assertThat(second.exitValue()).as("graceful stop on SIGTERM").isIn(0, 143);
    }

    private static Process start(String database, Path cache, int port, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("tools/gateway", "--server.port=" + port,
                "--logging.level.root=WARN", "--logging.level.dev.wagateway=INFO"));
        command.addAll(TestPostgres.gatewayArguments(database));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("GATEWAY_JAVA");
        builder.environment().remove("GATEWAY_FAST_START");
        builder.environment().put("GATEWAY_CACHE_DIR", cache.toString());
        builder.environment().put("DATA_DIR", cache.getParent().resolve("data").toString());
        builder.environment().put("GATEWAY_JAR", jar().toString());
        return builder.start();
    }

    private static WebhookClient awaitWebhook(Process process, int port, Path log, Duration within) throws Exception {
        WebhookClient client = new WebhookClient(port);
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("tools/gateway running: %s", Files.readString(log)).isTrue();
            try {
                if (client.get("/api/whatsapp/webhook").status() == 200) {
                    return client;
                }
            } catch (IllegalStateException notListening) {
                // the training run, or the JVM before Tomcat listens
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no 200 within " + within + ": " + Files.readString(log));
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static Path jar() {
        File[] jars = new File("target").listFiles((d, name) -> name.matches("whatsapp-webhook-gateway-.*\\.jar"));
        assertThat(jars).as("the packaged jar (Failsafe runs after package)").hasSize(1);
        return jars[0].toPath().toAbsolutePath();
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
