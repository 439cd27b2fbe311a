package dev.wagateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.wagateway.support.Await;
import dev.wagateway.support.GatewayProcess;
import dev.wagateway.support.TestPostgres;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * ROUTES_RELOAD under load: route files are edited, broken, removed and added under a running gateway while
 * webhooks keep coming, and every webhook is answered 200 throughout.
 */
class RouteReloadIT {

    private static final String PROBE = "/api/whatsapp/reload-probe";

    @Test
    void editsApplyWhileWebhooksKeepBeingTakenAndABrokenEditLeavesTheOldRoutesRunning() throws Exception {
        Path routes = Files.createTempDirectory("wagw-reload-routes");
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        write(routes.resolve("probe.yaml"), probe("reload-probe", "v1"));
        String database = TestPostgres.createDatabase("reload");
        List<String> arguments = TestPostgres.gatewayArguments(database,
                "--gateway.routes-dir=" + routes, "--gateway.routes-reload=true", "--gateway.routes-reload-interval=200ms",
                "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                "--gateway.rate-limit.trusted-per-minute=1000000",
                "--gateway.media.dir=target/reload-media", "--logging.level.root=WARN",
                "--logging.level.dev.wagateway.config.RouteReloader=INFO");

        try (GatewayProcess gateway = GatewayProcess.start(List.of("-Xmx512m"), arguments)) {
            WebhookClient client = new WebhookClient(gateway.port());
            assertThat(client.get(PROBE).body()).isEqualTo("v1");

            Map<Integer, Integer> webhookAnswers = new ConcurrentHashMap<>();
            AtomicInteger failures = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                String session = "reload-" + s;
                Thread t = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        try {
                            Response r = client.post("/api/whatsapp/webhook", "{\"sessionId\":\"" + session
                                    + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}");
                            webhookAnswers.merge(r.status(), 1, Integer::sum);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                t.start();
                senders.add(t);
            }

            // An edit takes effect.
            write(routes.resolve("probe.yaml"), probe("reload-probe", "v2"));
            Await.until(Duration.ofSeconds(20), () -> "v2".equals(client.get(PROBE).body()), "the edited route answering");

            // The webhook's own routes are swapped while the senders post.
            Files.writeString(routes.resolve("intake.yaml"), Files.readString(routes.resolve("intake.yaml"))
                    + "\n# edited under load\n");
            Await.until(Duration.ofSeconds(20), () -> log(gateway).contains("intake.yaml applied"), "intake.yaml reloaded");

            // A file that parses but cannot start (an unknown bean) is refused; the route before it keeps answering.
            write(routes.resolve("probe.yaml"), probe("reload-probe", "v3").replace("- setBody:\n            constant: v3",
                    "- bean:\n            ref: noSuchBean\n        - setBody:\n            constant: v3"));
            Await.until(Duration.ofSeconds(20), () -> log(gateway).contains("probe.yaml refused"), "the broken edit refused");
            assertThat(client.get(PROBE).body()).isEqualTo("v2");

            // A mistake the route check sees (a direct: endpoint no route consumes) is refused before any swap.
            write(routes.resolve("probe.yaml"), probe("reload-probe", "v4").replace("- setBody:\n            constant: v4",
                    "- to: direct:upsert-mesage\n        - setBody:\n            constant: v4"));
            Await.until(Duration.ofSeconds(20), () -> log(gateway).contains("direct:upsert-mesage"), "the check's finding logged");
            assertThat(count(log(gateway), "probe.yaml refused")).isEqualTo(2);
            assertThat(client.get(PROBE).body()).isEqualTo("v2");

            // A file that is not even YAML is refused too.
            write(routes.resolve("probe.yaml"), "- route: [unclosed\n");
            Await.until(Duration.ofSeconds(20), () -> count(log(gateway), "probe.yaml refused") >= 3, "the invalid file refused");
            assertThat(client.get(PROBE).body()).isEqualTo("v2");

            // Added and removed files (a removal goes through while the refused probe.yaml is still on disk).
            write(routes.resolve("probe-added.yaml"), probe("reload-probe-added", "added"));
            Await.until(Duration.ofSeconds(20), () -> "added".equals(client.get(PROBE + "-added").body()), "the added file");
            Files.delete(routes.resolve("probe-added.yaml"));
            Await.until(Duration.ofSeconds(20), () -> log(gateway).contains("probe-added.yaml removed"), "the added file removed");
            assertThat(client.get(PROBE + "-added").status()).isEqualTo(404);
            Files.delete(routes.resolve("probe.yaml"));
            Await.until(Duration.ofSeconds(20), () -> log(gateway).contains("probe.yaml removed"), "the removed file applied");
            Response gone = client.get(PROBE);
            assertThat(gone.status()).as("the removed route: %s %s", gone.status(), gone.body()).isEqualTo(404);

            Thread.sleep(500);
            stop.set(true);
            for (Thread t : senders) {
                t.join(10_000);
            }
            assertThat(webhookAnswers.keySet()).as("webhook answers during the reloads: %s", webhookAnswers).containsOnly(200);
            assertThat(webhookAnswers.get(200)).isGreaterThan(50);
            assertThat(failures.get()).as("webhook requests without an answer").isZero();
            assertThat(client.get("/api/whatsapp/webhook").status()).isEqualTo(200);
        }
    }

    private static String probe(String id, String answer) {
        return """
                - route:
                    id: %s
                    from:
                      uri: platform-http:/api/whatsapp/%s
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(id, id, answer);
    }

    /** Written beside and moved into place, as editors and deploy tools do, so no half-written file is read. */
    private static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String log(GatewayProcess gateway) {
        try {
            return gateway.output();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
