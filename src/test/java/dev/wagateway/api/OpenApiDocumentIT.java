package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.security.HmacSha256;
import dev.wagateway.security.WahaAuthenticator;
import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.FakeWhatsAppServer;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * The OpenAPI document at /api/whatsapp/openapi.json (src/main/resources/openapi/openapi.json), held to the running
 * gateway so it cannot drift: it is valid OpenAPI 3.1 (the reference parser, and every schema in it against the
 * JSON Schema 2020-12 meta-schema); every platform-http route under /api/whatsapp, with each of its methods, is in
 * it and nothing else is; and each documented operation, called over HTTP against a gateway holding sample data,
 * answers with a documented status whose body validates against the documented schema (the schemas forbid
 * undocumented fields, so a field added to an answer fails here until it is documented). The three sources are on
 * (with their samples' keys), and a stand-in WhatsApp server answers the session start as ConsoleApiIT's.
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + OpenApiDocumentIT.ADMIN_KEY,
        "gateway.security.api-key=" + OpenApiDocumentIT.API_KEY,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.rate-limit.trusted-proxies=127.0.0.1/32,::1/128",
        "gateway.outputs.http.crm.events=ready",
        "gateway.outputs.delivery.retries=0",
        "gateway.outputs.delivery.retry-delay=10ms",
        "gateway.outputs.delivery.timeout=2s",
        "gateway.outputs.delivery.failure-rate-threshold=100",
        "gateway.sources.cloud.verify-token=" + OpenApiDocumentIT.CLOUD_VERIFY_TOKEN,
        "gateway.sources.cloud.app-secret=" + OpenApiDocumentIT.CLOUD_APP_SECRET,
        "gateway.sources.waha.hmac-key=" + OpenApiDocumentIT.WAHA_KEY,
        "gateway.sources.evolution.api-keys=" + OpenApiDocumentIT.EVOLUTION_TOKEN})
class OpenApiDocumentIT extends PostgresGatewayTest {

    static final String ADMIN_KEY = "openapi-admin";
    static final String API_KEY = "openapi-sender";
    static final String API = "/api/whatsapp";
    static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_KEY);
    static final Map<String, String> SENDER = Map.of("x-api-key", API_KEY);
    static final Map<String, String> BROWSER = Map.of("Authorization",
            "Basic " + Base64.getEncoder().encodeToString((":" + ADMIN_KEY).getBytes(StandardCharsets.UTF_8)));
    static final String CLOUD_VERIFY_TOKEN = "openapi-meta-verify";
    static final String CLOUD_APP_SECRET = "openapi-meta-app-secret";
    static final String WAHA_KEY = "openapi-waha-hmac";
    /** The apikey in every Evolution sample. */
    static final String EVOLUTION_TOKEN = "B6D711FCDE4D4FD5936544120E713976";
    static final ObjectMapper JSON = new ObjectMapper();

    private static FakeEndpoint crm;
    private static Path mediaDir;
    private static FakeWhatsAppServer whatsAppServer;

    @Autowired
    CamelContext camel;

    @DynamicPropertySource
    static void outputAndMedia(DynamicPropertyRegistry registry) throws IOException {
        crm = new FakeEndpoint();
        crm.mode(FakeEndpoint.Mode.DOWN);
        registry.add("gateway.outputs.http.crm.url", crm::url);
        mediaDir = Files.createTempDirectory("wagw-openapi-media");
        registry.add("gateway.media.dir", mediaDir::toString);
        whatsAppServer = new FakeWhatsAppServer();
        registry.add("gateway.whatsapp-server.url", whatsAppServer::url);
    }

    @AfterAll
    static void stop() {
        crm.close();
        whatsAppServer.close();
    }

    static String sourceSample(String folder, String name) {
        try (InputStream in = OpenApiDocumentIT.class.getResourceAsStream("/samples/" + folder + "/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> cloudSigned(String body) {
        return Map.of("X-Hub-Signature-256", new HmacSha256(CLOUD_APP_SECRET).signatureHeader(body.getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, String> wahaSigned(String body) {
        return Map.of("X-Webhook-Hmac", new WahaAuthenticator(WAHA_KEY).signatureHeader(body.getBytes(StandardCharsets.UTF_8)),
                "X-Webhook-Hmac-Algorithm", "sha512");
    }

    static JsonNode document() throws IOException {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(OpenApiDocument.RESOURCE)) {
            return JSON.readTree(in);
        }
    }

    @BeforeEach
    void sampleData() {
        if (count("wa_events") > 0) {
            return;
        }
        for (String sample : new String[] {"qr", "loading_screen", "message", "message_ack", "call", "media", "group_join"}) {
            assertThat(client.post(API + "/webhook", Samples.forSession(sample, "shop"), SENDER).status()).isEqualTo(200);
        }
        // a ready the down output cannot take: dead-lettered after its one attempt
        assertThat(client.post(API + "/webhook", Samples.forSession("ready", "other-shop"), SENDER).status()).isEqualTo(200);
        Await.until(Duration.ofSeconds(20), () -> count("wa_dead_letters") == 1, "the dead letter");
    }

    // --- the document itself ---------------------------------------------------------------------------------

    @Test
    void theServedDocumentIsValidOpenApi31() throws IOException {
        Response served = client.get(API + "/openapi.json");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.header("content-type")).startsWith("application/json");
        assertThat(JSON.readTree(served.body())).isEqualTo(document());

        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body(), null, options);
        assertThat(parsed.getMessages()).as("the parser's findings").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes())
                .containsOnlyKeys("webhookSignature", "standardWebhooks", "webhookApiKey", "adminBearer", "adminBasic", "cloudSignature",
                        "wahaHmac", "evolutionApiKey");

        // every schema in it is a JSON Schema 2020-12 schema (the dialect of OpenAPI 3.1)
        Schema metaSchema = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012())
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        collectSchemas(document(), "", schemas);
        assertThat(schemas).hasSizeGreaterThan(40);
        schemas.forEach((where, schema) ->
                assertThat(metaSchema.validate(schema)).as("schema at %s", where).isEmpty());
        // and every $ref in it points at something
        List<String> refs = new ArrayList<>();
        collectRefs(document(), refs);
        JsonNode doc = document();
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as("%s points at nothing", ref).isFalse();
        }
    }

    @Test
    void everyPlatformHttpRouteUnderTheApiIsDocumentedAndNothingElse() throws IOException {
        Set<String> served = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http && http.getPath().startsWith(API)) {
                String methods = http.getHttpMethodRestrict();
                assertThat(methods).as("route %s takes every method: restrict it", route.getRouteId()).isNotBlank();
                for (String method : methods.split(",")) {
                    served.add(method.trim().toLowerCase(Locale.ROOT) + " " + http.getPath());
                }
            }
        }
        assertThat(served).hasSizeGreaterThan(15);
        assertThat(documentedOperations()).as("documented operations vs the running routes").isEqualTo(served);
    }

    // --- the document against real answers ------------------------------------------------------------------

    @Test
    void everyDocumentedOperationAnswersAsDocumented() throws IOException {
        String eventId = jdbc.queryForObject("SELECT event_id FROM wa_events WHERE session_id = 'shop' AND event = 'qr'", String.class);
        String messageId = jdbc.queryForObject("SELECT message_id FROM wa_messages WHERE session_id = 'shop' AND body IS NOT NULL"
                + " ORDER BY created_at LIMIT 1", String.class);
        String sha256 = jdbc.queryForObject("SELECT sha256 FROM wa_media", String.class);
        String deadLetter = jdbc.queryForObject("SELECT id FROM wa_dead_letters", String.class);
        Checker check = new Checker(document());

        // webhook
        check.get("/webhook", "/webhook", Map.of(), 200);
        check.get("/webhook/{sessionId}", "/webhook/shop", Map.of(), 200);
        check.post("/webhook", "/webhook", Samples.forSession("change_state", "shop"), SENDER, 200);
        Response repeat = check.post("/webhook", "/webhook", Samples.forSession("change_state", "shop"), SENDER, 200);
        assertThat(repeat.json().path("duplicate").asBoolean()).isTrue();
        check.post("/webhook", "/webhook", "{not json", SENDER, 400);
        check.post("/webhook", "/webhook", Samples.forSession("ready", "shop"), Map.of(), 401);
        check.post("/webhook/{sessionId}", "/webhook/shop", "{\"event\":\"loading_screen\",\"data\":{\"percent\":99}}", SENDER, 200);
        check.post("/webhook/{sessionId}", "/webhook/shop", Samples.forSession("ready", "someone-else"), SENDER, 400);

        // sources (before the read API, so the archive it reads holds their events too)
        check.get("/cloud", "/cloud?hub.mode=subscribe&hub.verify_token=" + CLOUD_VERIFY_TOKEN + "&hub.challenge=1158201444",
                Map.of(), 200);
        check.get("/cloud", "/cloud?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444", Map.of(), 403);
        String cloudBatch = sourceSample("cloud", "batch");
        Response batch = check.post("/cloud", "/cloud", cloudBatch, cloudSigned(cloudBatch), 200);
        assertThat(batch.json().path("events").size()).isGreaterThan(1);
        Response batchAgain = check.post("/cloud", "/cloud", cloudBatch, cloudSigned(cloudBatch), 200);
        assertThat(batchAgain.json().path("duplicate").asBoolean()).isTrue();
        String cloudText = sourceSample("cloud", "text");
        assertThat(check.post("/cloud", "/cloud", cloudText, cloudSigned(cloudText), 200).json().path("eventId").isTextual()).isTrue();
        check.post("/cloud", "/cloud", cloudText, Map.of(), 401);
        String notCloud = "{\"object\":\"page\",\"entry\":[]}";
        check.post("/cloud", "/cloud", notCloud, cloudSigned(notCloud), 400);

        String wahaMessage = sourceSample("waha", "message");
        check.post("/waha", "/waha", wahaMessage, wahaSigned(wahaMessage), 200);
        check.post("/waha", "/waha", wahaMessage, Map.of(), 401);
        String wahaAck = sourceSample("waha", "message_ack");
        check.post("/waha/{sessionId}", "/waha/toko-jakarta", wahaAck, wahaSigned(wahaAck), 200);
        check.post("/waha/{sessionId}", "/waha/another-shop", wahaAck, wahaSigned(wahaAck), 400);

        String evolutionMessage = sourceSample("evolution", "messages_upsert");
        check.post("/evolution", "/evolution", evolutionMessage, Map.of(), 200);
        check.post("/evolution", "/evolution", evolutionMessage.replace(EVOLUTION_TOKEN, "0".repeat(32)), Map.of(), 401);
        String evolutionReceipt = sourceSample("evolution", "messages_update_delivery");
        check.post("/evolution/{event}", "/evolution/messages-update", evolutionReceipt, Map.of(), 200);
        check.post("/evolution/{event}", "/evolution/connection-update", evolutionReceipt, Map.of(), 400);

        // read API
        check.get("/sessions", "/sessions", ADMIN, 200);
        check.get("/sessions", "/sessions?limit=1", ADMIN, 200);
        check.get("/sessions", "/sessions?limit=0", ADMIN, 400);
        check.get("/sessions", "/sessions", Map.of(), 401);
        check.get("/sessions/{sessionId}", "/sessions/shop", ADMIN, 200);
        check.get("/sessions/{sessionId}", "/sessions/other-shop", ADMIN, 200);
        check.get("/sessions/{sessionId}", "/sessions/nobody", ADMIN, 404);
        check.get("/sessions/{sessionId}/qr", "/sessions/shop/qr", ADMIN, 200);
        check.get("/sessions/{sessionId}/qr", "/sessions/other-shop/qr", ADMIN, 404);
        check.get("/sessions/{sessionId}/qr.png", "/sessions/shop/qr.png", ADMIN, 200);
        check.get("/sessions/{sessionId}/qr.png", "/sessions/other-shop/qr.png", ADMIN, 404);
        check.get("/sessions/{sessionId}/messages", "/sessions/shop/messages?fromMe=false", ADMIN, 200);
        check.get("/sessions/{sessionId}/messages", "/sessions/shop/messages?fromMe=perhaps", ADMIN, 400);
        check.get("/messages/{messageId}", "/messages/" + messageId, ADMIN, 200);
        check.get("/messages/{messageId}", "/messages/nothing", ADMIN, 404);
        check.get("/media/{sha256}", "/media/" + sha256, ADMIN, 200);
        check.get("/media/{sha256}", "/media/" + "0".repeat(64), ADMIN, 404);
        // path parameters are decoded once (%40 is @); what does not decode, or is no such id, is a 400
        check.get("/messages/{messageId}", "/messages/" + messageId.replace("@", "%40"), ADMIN, 200);
        check.get("/messages/{messageId}", "/messages/%C3%28", ADMIN, 400);
        check.get("/media/{sha256}", "/media/not-a-hash", ADMIN, 400);
        check.get("/sessions/{sessionId}/qr.png", "/sessions/bad.id/qr.png", ADMIN, 400);
        check.get("/webhook/{sessionId}", "/webhook/s%C3%28", Map.of(), 400);
        check.post("/dead-letters/{deadLetterId}/replay", "/dead-letters/not-an-id/replay", "", ADMIN, 400);
        check.get("/events", "/events", ADMIN, 200);
        check.get("/events", "/events?status=processed&since=2020-01-01T00:00:00Z", ADMIN, 200);
        check.get("/events", "/events?since=yesterday", ADMIN, 400);
        Response range = check.get("/events", "/events?since=2020-01-01T00:00:00Z&until=2999-01-01T00:00:00Z", ADMIN, 200);
        Set<String> sources = new TreeSet<>();
        range.json().path("items").forEach(item -> sources.add(item.path("source").asText()));
        assertThat(sources).containsExactly("cloud", "evolution", "waha", "wwebjs");
        check.get("/events", "/events?until=tomorrow", ADMIN, 400);
        check.get("/events/{eventId}", "/events/" + eventId, ADMIN, 200);
        check.get("/events/{eventId}", "/events/00000000-0000-4000-8000-000000000000", ADMIN, 404);
        check.get("/events/{eventId}", "/events/none", ADMIN, 400);

        // dead letters: the output still down, then back
        check.get("/dead-letters", "/dead-letters?status=pending", ADMIN, 200);
        // a browser's POST from another page (Basic credentials, no X-Requested-With) does nothing
        check.post("/dead-letters/{deadLetterId}/replay", "/dead-letters/" + deadLetter + "/replay", "", BROWSER, 403);
        check.post("/dead-letters/replay", "/dead-letters/replay?output=http-crm", "", BROWSER, 403);
        check.post("/dead-letters/{deadLetterId}/replay", "/dead-letters/" + deadLetter + "/replay", "", ADMIN, 502);
        crm.mode(FakeEndpoint.Mode.UP);
        check.post("/dead-letters/{deadLetterId}/replay", "/dead-letters/" + deadLetter + "/replay", "", ADMIN, 200);
        check.post("/dead-letters/{deadLetterId}/replay", "/dead-letters/00000000-0000-4000-8000-000000000000/replay", "", ADMIN, 404);
        check.post("/dead-letters/replay", "/dead-letters/replay?output=http-crm", "", ADMIN, 200);
        check.post("/dead-letters/replay", "/dead-letters/replay?from=never", "", ADMIN, 400);
        check.get("/dead-letters", "/dead-letters?status=resolved", ADMIN, 200);

        // what the console reads and does
        check.get("/outputs", "/outputs", ADMIN, 200);
        check.get("/outputs", "/outputs", Map.of(), 401);
        check.post("/outputs/{output}/enable", "/outputs/http-crm/enable", "", BROWSER, 403);
        check.post("/outputs/{output}/enable", "/outputs/http-crm/enable", "", ADMIN, 200);
        check.post("/outputs/{output}/enable", "/outputs/http-nothing/enable", "", ADMIN, 404);
        check.post("/outputs/{output}/enable", "/outputs/%C3%28/enable", "", ADMIN, 400);
        check.get("/throughput", "/throughput", ADMIN, 200);
        check.get("/throughput", "/throughput?minutes=5", BROWSER, 200);
        check.get("/throughput", "/throughput?minutes=0", ADMIN, 400);
        check.get("/console", "/console", ADMIN, 200);
        check.get("/console", "/console", Map.of(), 401);
        check.post("/sessions/{sessionId}/start", "/sessions/new-shop/start", "", ADMIN, 200);
        check.post("/sessions/{sessionId}/start", "/sessions/refused/start", "", ADMIN, 502);
        check.post("/sessions/{sessionId}/start", "/sessions/bad.id/start", "", ADMIN, 400);
        check.post("/sessions/{sessionId}/start", "/sessions/new-shop/start", "", BROWSER, 403);

        check.get("/openapi.json", "/openapi.json", Map.of(), 200);

        // the admin key throttle, as documented on every admin operation
        Map<String, String> guesser = Map.of("X-Forwarded-For", "203.0.113.99", "Authorization", "Bearer guess");
        for (int i = 0; i < 10; i++) {
            check.get("/events", "/events", guesser, 401);
        }
        Response throttled = check.get("/events", "/events", guesser, 429);
        assertThat(throttled.header("retry-after")).isNotNull();

        assertThat(check.called).as("operations called").isEqualTo(documentedOperations());
        assertThat(check.answeredOk).as("operations seen answering 2xx").isEqualTo(documentedOperations());
    }

    /** Calls operations and holds each answer to the document. */
    private final class Checker {

        final JsonNode doc;
        final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31());
        final Set<String> called = new TreeSet<>();
        final Set<String> answeredOk = new TreeSet<>();

        Checker(JsonNode doc) {
            this.doc = doc;
        }

        Response get(String template, String path, Map<String, String> headers, int expected) {
            return check("get", template, client.get(API + path, headers), expected);
        }

        Response post(String template, String path, String body, Map<String, String> headers, int expected) {
            return check("post", template, client.post(API + path, body, headers), expected);
        }

        private Response check(String method, String template, Response r, int expected) {
            String operation = method + " " + API + template;
            assertThat(r.status()).as("%s: %s", operation, r.body()).isEqualTo(expected);
            called.add(operation);
            if (expected < 300) {
                answeredOk.add(operation);
            }
            JsonNode documented = doc.path("paths").path(API + template).path(method).path("responses")
                    .path(Integer.toString(r.status()));
            assertThat(documented.isMissingNode()).as("%s answered %d, which is not documented", operation, r.status()).isFalse();
            JsonNode content = documented.path("content");
            String contentType = r.header("content-type");
            if (content.has("application/json")) {
                assertThat(contentType).as(operation).startsWith("application/json");
                List<Error> errors = validate(content.path("application/json").path("schema"), r.json());
                assertThat(errors).as("%s %d: %s", operation, r.status(), r.body()).isEmpty();
            } else if (content.has("text/plain")) {
                assertThat(contentType).as(operation).startsWith("text/plain");
                List<Error> errors = validate(content.path("text/plain").path("schema"), TextNode.valueOf(r.body()));
                assertThat(errors).as("%s %d: %s", operation, r.status(), r.body()).isEmpty();
            } else if (content.has("image/png")) {
                assertThat(contentType).as(operation).isEqualTo("image/png");
            } else {
                assertThat(content.has("*/*")).as("%s %d: a documented content type", operation, r.status()).isTrue();
            }
            return r;
        }

        /** The schema as documented, its $refs into #/components resolved against the document. */
        private List<Error> validate(JsonNode schema, JsonNode body) {
            ObjectNode root = schema.deepCopy();
            root.set("components", doc.path("components"));
            return schemas.getSchema(root).validate(body);
        }
    }

    private static Set<String> documentedOperations() throws IOException {
        Set<String> operations = new TreeSet<>();
        document().path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> operations.add(method + " " + path.getKey())));
        return operations;
    }

    /** The schema objects of the document: components' schemas and every {@code schema} of a parameter, header or body. */
    private static void collectSchemas(JsonNode node, String at, Map<String, JsonNode> found) {
        if (at.equals("/components/schemas")) {
            node.fields().forEachRemaining(e -> found.put(at + "/" + e.getKey(), e.getValue()));
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = at + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
                if (e.getKey().equals("schema")) {
                    found.put(child, e.getValue());
                } else {
                    collectSchemas(e.getValue(), child, found);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectSchemas(node.get(i), at + "/" + i, found);
            }
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
