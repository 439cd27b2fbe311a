package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.core.SpringVersion;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.NoAdminKeyGatewayTest;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The admin surfaces once the console makes them a target (issue 13), over real HTTP on PostgreSQL: wrong admin
 * keys are throttled per client (429 + Retry-After, through the webhook's rate limit store, in the database), the
 * actuator tells anonymous callers the health status and nothing else, and no anonymous answer names a version, a
 * path on disk or an internal name. Clients are told apart by X-Forwarded-For from a trusted proxy (127.0.0.1), as
 * behind the HA set-up's haproxy.
 */
class AdminHardeningIT {

    static final String ADMIN_KEY = "admin-key-Hx71";
    static final String BEARER = "Bearer " + ADMIN_KEY;

    static Map<String, String> from(String ip, String authorization) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Forwarded-For", ip);
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        return headers;
    }

    static Set<String> keys(JsonNode node) {
        Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Nested
    @AutoConfigureObservability(tracing = false)   // the Prometheus endpoint, as in production
    @TestPropertySource(properties = {
            "gateway.api.admin-key=" + ADMIN_KEY,
            "gateway.rate-limit.trusted-proxies=127.0.0.1/32,::1/128"})
    class WithAdminKey extends PostgresGatewayTest {

        @Autowired
        CamelContext camel;

        @Test
        void repeatedWrongAdminKeysEndIn429WithRetryAfterWhileOtherClientsStillGetIn() {
            String attacker = "203.0.113.7";
            // the default allowance: ten wrong keys a minute answered 401, whatever the scheme or endpoint
            for (int i = 0; i < 10; i++) {
                String path = i % 2 == 0 ? "/api/whatsapp/sessions" : "/actuator/metrics";
                String auth = i % 3 == 0 ? "Basic " + basic("guess-" + i) : "Bearer guess-" + i;
                Response r = client.get(path, from(attacker, auth));
                assertThat(r.status()).as("wrong key %d on %s", i, path).isEqualTo(401);
                assertThat(r.error()).isEqualTo("unauthorized");
            }
            Response blocked = client.get("/api/whatsapp/sessions", from(attacker, "Bearer guess-10"));
            assertThat(blocked.status()).isEqualTo(429);
            assertThat(blocked.error()).isEqualTo("rate_limited");
            assertThat(blocked.header("content-type")).startsWith("application/json");
            assertThat(Long.parseLong(blocked.header("retry-after"))).isBetween(1L, 60L);

            // blocked means blocked: the right key from that client tells it nothing until the bucket refills
            Response rightKeyWhileBlocked = client.get("/api/whatsapp/sessions", from(attacker, BEARER));
            assertThat(rightKeyWhileBlocked.status()).isEqualTo(429);
            assertThat(client.get("/actuator/prometheus", from(attacker, BEARER)).status()).isEqualTo(429);

            // another client with the right key is not affected
            Response other = client.get("/api/whatsapp/sessions", from("198.51.100.20", BEARER));
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.json().path("items").isArray()).isTrue();

            // the buckets live in the database: every instance on it sees the same count
            assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_rate_limit_buckets WHERE id = ?", Long.class,
                    "admin-auth:" + attacker)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_rate_limit_buckets WHERE id = ?", Long.class,
                    "admin-auth:198.51.100.20")).as("a client that never failed leaves no row").isZero();
        }

        @Test
        void successfulAuthenticationsSpendNothingOfTheFailureAllowance() {
            String operator = "198.51.100.30";
            for (int i = 0; i < 40; i++) {
                assertThat(client.get("/api/whatsapp/events", from(operator, BEARER)).status()).isEqualTo(200);
            }
            // a request without any credentials (a browser before its prompt) is no guess either
            for (int i = 0; i < 20; i++) {
                assertThat(client.get("/api/whatsapp/events", from(operator, null)).status()).isEqualTo(401);
            }
            for (int i = 0; i < 10; i++) {
                assertThat(client.get("/api/whatsapp/events", from(operator, "Bearer typo")).status())
                        .as("wrong key %d", i).isEqualTo(401);
            }
            assertThat(client.get("/api/whatsapp/events", from(operator, "Bearer typo")).status()).isEqualTo(429);
        }

        @Test
        void anonymousHealthShowsTheStatusOnly() {
            for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
                Response r = client.get(path);
                assertThat(r.status()).as(path).isEqualTo(200);
                assertThat(r.header("content-type")).startsWith("application/json");
                assertThat(keys(r.json())).as(path).containsExactly("status");
                assertThat(r.json().path("status").asText()).isEqualTo("UP");
            }
            // a component's own health is a detail
            assertThat(client.get("/actuator/health/db").status()).isEqualTo(401);

            // with the key: the components, as before
            Response detailed = client.get("/actuator/health", Map.of("Authorization", BEARER));
            assertThat(detailed.status()).isEqualTo(200);
            assertThat(keys(detailed.json())).contains("status", "components");
            assertThat(detailed.json().path("components").path("db").path("status").asText()).isEqualTo("UP");
            assertThat(client.get("/actuator/health/db", Map.of("Authorization", BEARER)).json().path("details")
                    .path("database").asText()).isEqualTo("PostgreSQL");
        }

        @Test
        void metricsPrometheusAndEveryOtherActuatorEndpointNeedTheKey() {
            for (String path : List.of("/actuator/metrics", "/actuator/metrics/wagateway.intake.accepted",
                    "/actuator/prometheus", "/actuator/info", "/actuator", "/actuator/env", "/actuator/health/")) {
                Response r = client.get(path);
                assertThat(r.status()).as(path).isEqualTo(401);
                assertThat(r.header("content-type")).startsWith("application/json");
                assertThat(r.error()).isEqualTo("unauthorized");
                assertThat(r.header("www-authenticate")).contains("Basic").contains("Bearer");
            }
            assertThat(client.post("/api/whatsapp/webhook", Samples.forSession("ready", "hardened")).status()).isEqualTo(200);

            Response metrics = client.get("/actuator/metrics", Map.of("Authorization", BEARER));
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.json().path("names").toString()).contains("wagateway.intake.accepted");
            // Basic with the key as password, as a browser or a Prometheus basic_auth config sends it
            Response scrape = client.get("/actuator/prometheus", Map.of("Authorization", "Basic " + basic(ADMIN_KEY)));
            assertThat(scrape.status()).isEqualTo(200);
            assertThat(scrape.body()).contains("wagateway_intake_accepted_total{");
        }

        @Test
        void noAnonymousAnswerNamesAVersionAPathOnDiskOrAnInternalName() {
            List<Response> answers = new ArrayList<>();
            answers.add(client.get("/api/whatsapp/webhook"));
            answers.add(client.get("/api/whatsapp/webhook/some-session"));
            answers.add(client.post("/api/whatsapp/webhook", "{not json"));
            answers.add(client.post("/api/whatsapp/webhook", "{}"));
            answers.add(client.get("/error"));
            answers.add(client.get("/no/such/path"));
            answers.add(client.get("/api/whatsapp/no-such-endpoint"));
            answers.add(client.get("/WEB-INF/web.xml"));
            answers.add(client.get("/api/whatsapp/sessions"));
            answers.add(client.get("/api/whatsapp/sessions", Map.of("Authorization", "Bearer nope")));
            answers.add(client.get("/actuator/health"));
            answers.add(client.get("/actuator/health/readiness"));
            answers.add(client.get("/actuator/metrics"));
            answers.add(client.get("/actuator/nothing-here"));
            answers.add(client.get("/api/whatsapp/openapi.json"));
            answers.add(client.post("/actuator/health", "{}"));
            answers.add(raw(port, "PUT /api/whatsapp/webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
            answers.add(raw(port, "GET /api/whatsapp/%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(raw(port, "GARBAGE\r\n\r\n"));
            answers.add(raw(port, "HEAD /actuator/health HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(raw(port, "HEAD /api/whatsapp/webhook HTTP/1.1\r\nHost: x\r\n\r\n"));

            List<String> versions = List.of(camel.getVersion(), SpringBootVersion.getVersion(), SpringVersion.getVersion(),
                    System.getProperty("java.version"), org.apache.catalina.util.ServerInfo.getServerNumber());
            List<String> names = List.of("tomcat", "apache", "camel", "spring", "jetty", "java", "wagateway",
                    "exception", "org.", "whatsapp-webhook-gateway", "postgres", "hikari", "flyway", "h2");
            String cwd = System.getProperty("user.dir");
            for (Response r : answers) {
                String everything = (r.headers() + "\n" + r.body());
                String anonymousWords = everything.toLowerCase(java.util.Locale.ROOT)
                        // the contract's own words: the stock server's format is named after it
                        .replace("whatsapp-api", "");
                assertThat(r.header("server")).as("Server header").isNull();
                assertThat(r.header("x-powered-by")).isNull();
                for (String v : versions) {
                    assertThat(everything).as("%s", r).doesNotContain(v);
                }
                for (String n : names) {
                    assertThat(anonymousWords).as("%s", r).doesNotContain(n);
                }
                assertThat(everything).as("%s", r).doesNotContain(cwd).doesNotContain("/tmp/").doesNotContain("/home/");
            }
        }

        @Test
        void aRightKeyStillWorksOnTheReadApi() {
            assertThat(client.get("/api/whatsapp/sessions", Map.of("Authorization", BEARER)).status()).isEqualTo(200);
        }
    }

    /** Without ADMIN_API_KEY: the status for probes, nothing else on the application's port. */
    @Nested
    class WithoutAdminKey extends NoAdminKeyGatewayTest {

        @Test
        void onlyTheHealthStatusIsServed() {
            for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
                Response r = client.get(path);
                assertThat(r.status()).as(path).isEqualTo(200);
                assertThat(keys(r.json())).as(path).containsExactly("status");
            }
            for (String path : List.of("/actuator/metrics", "/actuator/prometheus", "/actuator/health/db", "/actuator")) {
                for (String auth : new String[] {null, "Bearer anything"}) {
                    Response r = auth == null ? client.get(path) : client.get(path, Map.of("Authorization", auth));
                    assertThat(r.status()).as("%s with %s", path, auth).isEqualTo(404);
                    assertThat(r.body()).doesNotContain("wagateway_").doesNotContain("jvm");
                }
            }
        }
    }

    /** MANAGEMENT_SERVER_PORT: the actuator on a port of its own, served as it always was, for a private network. */
    @Nested
    @AutoConfigureObservability(tracing = false)
    @TestPropertySource(properties = {"management.server.port=0", "gateway.api.admin-key=" + ADMIN_KEY})
    class OnASeparateManagementPort extends PostgresGatewayTest {

        @LocalManagementPort
        int managementPort;

        @Test
        void detailsAndMetricsAreThereAndNotOnTheApplicationsPort() {
            WebhookClient management = new WebhookClient(managementPort);
            assertThat(keys(management.get("/actuator/health").json())).contains("status", "components");
            assertThat(management.get("/actuator/prometheus").status()).isEqualTo(200);
            assertThat(client.get("/actuator/health").status()).isEqualTo(404);
            assertThat(client.get("/actuator/prometheus", Map.of("Authorization", BEARER)).status()).isEqualTo(404);
        }
    }

    /** A request written by hand on a socket, for what an HTTP client refuses to send. */
    static Response raw(int port, String request) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = answer.indexOf("\r\n\r\n");
            String[] head = (end < 0 ? answer : answer.substring(0, end)).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                if (colon > 0) {
                    headers.put(head[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), head[i].substring(colon + 1).trim());
                }
            }
            int status = Integer.parseInt(head[0].split(" ")[1]);
            return new Response(status, headers, end < 0 ? "" : answer.substring(end + 4));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String basic(String password) {
        return Base64.getEncoder().encodeToString((":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
