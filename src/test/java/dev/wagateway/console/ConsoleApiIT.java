package dev.wagateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.GatewayApplication;
import dev.wagateway.support.FakeWhatsAppServer;
import dev.wagateway.support.NoAdminKeyGatewayTest;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The console's server side over real HTTP: who may open it, what its pages carry, the cross-site guard on the
 * admin POSTs, the new read endpoints (outputs, throughput, events until) and starting a session on a stand-in of
 * the WhatsApp server's GET /session/start/{id}.
 */
class ConsoleApiIT {

    static final String ADMIN = "console-api-admin-4f";
    static final String WA_KEY = "wa-key-for-start";
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString((":" + ADMIN).getBytes(StandardCharsets.UTF_8));
    static final Map<String, String> BEARER = Map.of("Authorization", "Bearer " + ADMIN);

    @Nested
    @TestPropertySource(properties = {
            "gateway.api.admin-key=" + ADMIN,
            // the challenge test offers a dozen wrong keys from one client: past the throttle's 10 they would get 429
            "gateway.api.auth-failures-per-minute=1000",
            "gateway.security.api-key=" + WA_KEY,
            "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
            "gateway.rate-limit.trusted-per-minute=100000",
            "gateway.outputs.http.crm.url=http://127.0.0.1:9/unused",
            "gateway.outputs.http.crm.events=call"})
    class WithAdminKeyAndServer extends PostgresGatewayTest {

        private static FakeWhatsAppServer server;

        @DynamicPropertySource
        static void whatsAppServer(DynamicPropertyRegistry registry) throws IOException {
            server = new FakeWhatsAppServer();
            registry.add("gateway.whatsapp-server.url", server::url);
        }

        @AfterAll
        static void stopServer() {
            server.close();
        }

        @BeforeEach
        void clear() {
            server.clear();
        }

        private Map<String, String> with(String... pairs) {
            Map<String, String> headers = new HashMap<>();
            for (int i = 0; i < pairs.length; i += 2) {
                headers.put(pairs[i], pairs[i + 1]);
            }
            return headers;
        }

        @Test
        void thePageAsksForTheKeyTheWayABrowserUnderstands() {
            for (String path : List.of("/console/", "/console/console.js", "/console", "/api/whatsapp/console")) {
                for (String auth : new String[] {null, "Basic Og==", "Bearer wrong", "Basic " + Base64.getEncoder()
                        .encodeToString(":nearly".getBytes(StandardCharsets.UTF_8))}) {
                    Response r = client.get(path, auth == null ? Map.of() : Map.of("Authorization", auth));
                    assertThat(r.status()).as("%s with %s", path, auth).isEqualTo(401);
                    // Basic only: Chromium takes a header that starts with another scheme as no Basic challenge at all.
                    assertThat(r.header("WWW-Authenticate")).startsWith("Basic realm=\"whatsapp-gateway\"").doesNotContain("Bearer");
                    assertThat(r.error()).isEqualTo("unauthorized");
                }
            }
        }

        @Test
        void thePageAndItsFilesWithTheKey() {
            Response page = client.get("/console/", with("Authorization", BASIC));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.header("Content-Type")).startsWith("text/html");
            assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline");
            assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(page.body()).contains("<script src=\"console.js\" defer></script>").doesNotContain(ADMIN)
                    .doesNotContain("<script>");

            Response script = client.get("/console/console.js", BEARER);
            assertThat(script.status()).isEqualTo(200);
            assertThat(script.header("Content-Type")).startsWith("text/javascript");
            // The page's script writes payload values as text only.
            assertThat(script.body()).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                    .doesNotContain("document.write").doesNotContain("eval(");
            assertThat(client.get("/console/console.css", BEARER).header("Content-Type")).startsWith("text/css");

            for (String other : List.of("/console/application.yml", "/console/..%2Fapplication.yml", "/console/Console.class",
                    "/console/%2e%2e/routes/api.yaml")) {
                Response r = client.get(other, BEARER);
                assertThat(r.status()).as(other).isIn(400, 404);
                assertThat(r.body()).as(other).doesNotContain("admin-key").doesNotContain("platform-http");
            }
            Response bare = client.get("/console", BEARER);
            assertThat(bare.status()).isEqualTo(302);
            assertThat(bare.header("Location")).isEqualTo("/console/");
        }

        @Test
        void theSettingsSayWhatIsThereWithoutAddressesOrKeys() {
            Response r = client.get("/api/whatsapp/console", BEARER);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("whatsappServer").asBoolean()).isTrue();
            assertThat(r.json().path("outputs").toString()).isEqualTo("[\"http-crm\"]");
            assertThat(r.body()).doesNotContain("127.0.0.1").doesNotContain(WA_KEY).doesNotContain(ADMIN);
        }

        @Test
        void aSessionIsStartedOnTheWhatsAppServerWithItsKey() {
            Response r = client.post("/api/whatsapp/sessions/toko-baru/start", "", BEARER);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("success").asBoolean()).isTrue();
            assertThat(r.json().path("message").asText()).isEqualTo("Session initiated successfully");
            assertThat(server.starts()).containsExactly("GET toko-baru " + WA_KEY);

            Response refused = client.post("/api/whatsapp/sessions/refused/start", "", BEARER);
            assertThat(refused.status()).isEqualTo(502);
            assertThat(refused.error()).isEqualTo("whatsapp_server_refused");
            assertThat(refused.json().path("message").asText()).isEqualTo("the WhatsApp server answered 422: Session already exists for: refused");

            server.clear();
            assertThat(client.post("/api/whatsapp/sessions/bad.id/start", "", BEARER).error()).isEqualTo("invalid_session_id");
            assertThat(client.post("/api/whatsapp/sessions/x/start", "", Map.of()).status()).isEqualTo(401);
            assertThat(client.get("/api/whatsapp/sessions/x/start", BEARER).status()).isIn(404, 405);
            assertThat(server.starts()).as("nothing reached the server").isEmpty();
        }

        @Test
        void aBrowsersPostMustComeFromTheConsole() {
            String replay = "/api/whatsapp/dead-letters/replay?output=http-crm";
            // A page elsewhere can make the browser POST with its remembered Basic credentials, but not add headers.
            assertThat(client.post(replay, "", with("Authorization", BASIC)).error()).isEqualTo("cross_site_request");
            assertThat(client.post(replay, "", with("Authorization", BASIC, "X-Requested-With", "x", "Sec-Fetch-Site", "cross-site"))
                    .error()).isEqualTo("cross_site_request");
            assertThat(client.post(replay, "", with("Authorization", BASIC, "X-Requested-With", "x", "Sec-Fetch-Site", "same-site"))
                    .error()).isEqualTo("cross_site_request");
            assertThat(client.post(replay, "", with("Authorization", BASIC, "X-Requested-With", "x", "Origin", "http://evil.example"))
                    .error()).isEqualTo("cross_site_request");
            assertThat(client.post("/api/whatsapp/dead-letters/some-id/replay", "", with("Authorization", BASIC)).status()).isEqualTo(403);
            assertThat(client.post("/api/whatsapp/sessions/toko-x/start", "", with("Authorization", BASIC)).status()).isEqualTo(403);
            assertThat(client.post("/api/whatsapp/outputs/http-crm/enable", "", with("Authorization", BASIC)).status()).isEqualTo(403);
            assertThat(server.starts()).as("a refused start reached no server").isEmpty();

            // The console's own request, and a script with a Bearer key.
            assertThat(client.post(replay, "", with("Authorization", BASIC, "X-Requested-With", "wagateway-console",
                    "Sec-Fetch-Site", "same-origin", "Origin", "http://127.0.0.1:" + port)).status()).isEqualTo(200);
            assertThat(client.post(replay, "", with("Authorization", BASIC, "X-Requested-With", "wagateway-console",
                    "Origin", "http://127.0.0.1:" + port)).status()).isEqualTo(200);
            assertThat(client.post(replay, "", BEARER).status()).isEqualTo(200);
            assertThat(client.post("/api/whatsapp/outputs/http-crm/enable", "", with("Authorization", BASIC,
                    "X-Requested-With", "wagateway-console", "Sec-Fetch-Site", "same-origin")).status()).isEqualTo(200);
        }

        @Test
        void outputsWithTheirStateAndLag() {
            JsonNode items = client.get("/api/whatsapp/outputs", BEARER).json().path("items");
            assertThat(items).hasSize(1);
            JsonNode crm = items.get(0);
            assertThat(crm.path("name").asText()).isEqualTo("http-crm");
            assertThat(crm.path("circuit").asText()).isEqualTo("closed");
            for (String field : List.of("sent", "failedAttempts", "deadLettered", "pendingDeadLetters", "backlog", "oldestWaitingSeconds")) {
                assertThat(crm.path(field).isNumber()).as(field).isTrue();
            }
            assertThat(crm.has("oldestWaiting")).isTrue();
            assertThat(crm.path("state").asText()).as("not failing: enabled").isEqualTo("enabled");
            assertThat(crm.path("disableAfterSeconds").asLong()).as("the default disable-after, 5 days").isEqualTo(432_000);
            assertThat(crm.path("disabledAt").isNull()).isTrue();
            assertThat(client.get("/api/whatsapp/outputs", Map.of()).status()).isEqualTo(401);
        }

        @Test
        void throughputPerMinuteAndTypeAndEventsInATimeRange() {
            String before = Instant.now().minusSeconds(1).toString();
            for (String sample : List.of("qr", "message", "message_create", "message")) {
                String body = Samples.forSession(sample, "toko-rate");
                if (sample.equals("message")) {
                    body = body.replace("3EB0C767D71D3A5F0A1B", "R" + System.nanoTime());
                }
                assertThat(client.post("/api/whatsapp/webhook", body, Map.of("x-api-key", WA_KEY)).status()).isEqualTo(200);
            }
            JsonNode t = client.get("/api/whatsapp/throughput", BEARER).json();
            assertThat(t.path("minutes").asInt()).isEqualTo(60);
            Map<String, Long> byType = new HashMap<>();
            t.path("items").forEach(i -> {
                assertThat(i.path("minuteAt").asText()).endsWith(":00Z");
                byType.merge(i.path("event").asText(), i.path("events").asLong(), Long::sum);
            });
            assertThat(byType).containsEntry("message", 2L).containsEntry("message_create", 1L).containsEntry("qr", 1L);
            assertThat(client.get("/api/whatsapp/throughput?minutes=0", BEARER).error()).isEqualTo("invalid_parameter");

            assertThat(client.get("/api/whatsapp/events?session=toko-rate&since=" + before, BEARER).json().path("items")).hasSize(4);
            assertThat(client.get("/api/whatsapp/events?session=toko-rate&until=" + before, BEARER).json().path("items")).isEmpty();
            assertThat(client.get("/api/whatsapp/events?session=toko-rate&until=nonsense", BEARER).error()).isEqualTo("invalid_parameter");
        }
    }

    /** The first-run default (no DATABASE_URL, H2): the console's new reads run there too. */
    @Nested
    @CamelSpringBootTest
    @SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = {"gateway.data-dir=target/console-embedded-db", "gateway.rate-limit.per-minute=1000",
                    "gateway.api.admin-key=" + ADMIN, "gateway.outputs.http.crm.url=http://127.0.0.1:9/unused",
                    "gateway.outputs.http.crm.events=call"})
    class OnTheEmbeddedDatabase {

        @LocalServerPort
        int port;

        @Test
        void throughputOutputsAndTheTimeFilterWork() {
            WebhookClient client = new WebhookClient(port);
            String session = "h2-console-" + System.nanoTime();
            String before = Instant.now().minusSeconds(1).toString();
            for (String sample : List.of("qr", "message", "ready")) {
                assertThat(client.post("/api/whatsapp/webhook", Samples.forSession(sample, session)).status()).isEqualTo(200);
            }
            assertThat(client.get("/console/", Map.of("Authorization", BASIC)).status()).isEqualTo(200);

            Response t = client.get("/api/whatsapp/throughput?minutes=5", BEARER);
            assertThat(t.status()).isEqualTo(200);
            assertThat(t.json().path("items").size()).isPositive();
            t.json().path("items").forEach(i -> assertThat(i.path("minuteAt").asText()).endsWith(":00Z"));

            Response outputs = client.get("/api/whatsapp/outputs", BEARER);
            assertThat(outputs.status()).isEqualTo(200);
            assertThat(outputs.json().path("items").get(0).path("pendingDeadLetters").asLong()).isZero();

            assertThat(client.get("/api/whatsapp/events?session=" + session + "&since=" + before + "&until=2999-01-01T00:00:00Z",
                    BEARER).json().path("items")).hasSize(3);
            assertThat(client.get("/api/whatsapp/events?session=" + session + "&until=" + before, BEARER).json().path("items"))
                    .isEmpty();
        }
    }

    @Nested
    @TestPropertySource(properties = {"gateway.api.admin-key=" + ADMIN, "gateway.whatsapp-server.url="})
    class WithoutWhatsAppServer extends PostgresGatewayTest {

        @Test
        void startingASessionIsOffAndThePageSaysSo() {
            Response r = client.post("/api/whatsapp/sessions/toko/start", "", BEARER);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.error()).isEqualTo("whatsapp_server_not_configured");
            assertThat(client.get("/api/whatsapp/console", BEARER).json().path("whatsappServer").asBoolean()).isFalse();
        }
    }

    @Nested
    class WithoutAdminKey extends NoAdminKeyGatewayTest {

        @Test
        void theConsoleIsOff() {
            for (String path : List.of("/console/", "/console/console.js", "/console", "/api/whatsapp/console",
                    "/api/whatsapp/outputs", "/api/whatsapp/throughput")) {
                Response r = client.get(path, Map.of("Authorization", BASIC));
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.header("Content-Type")).startsWith("application/json");
                assertThat(r.header("WWW-Authenticate")).isNull();
            }
        }
    }
}
