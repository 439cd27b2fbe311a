package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.NoAdminKeyGatewayTest;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/** Every read endpoint, with and without the admin key, over real HTTP against PostgreSQL. */
class ReadApiIT {

    static final String ADMIN_KEY = "admin-key-Qw93";
    static final String API = "/api/whatsapp";

    static final List<String> ENDPOINTS = List.of("/sessions", "/sessions/s", "/sessions/s/qr", "/sessions/s/qr.png",
            "/sessions/s/messages", "/messages/m", "/media/" + "0".repeat(64), "/events", "/events/e");

    @Nested
    @TestPropertySource(properties = {
            "gateway.api.admin-key=" + ADMIN_KEY,
            // every endpoint is tried with three wrong keys: more than the default allowance of one client
            // (AdminHardeningIT has the throttle)
            "gateway.api.auth-failures-per-minute=1000",
            "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
            "gateway.rate-limit.trusted-per-minute=100000"})
    class WithAdminKey extends PostgresGatewayTest {

        private static Path mediaDir;
        private final HttpClient http = HttpClient.newHttpClient();

        @DynamicPropertySource
        static void media(DynamicPropertyRegistry registry) throws IOException {
            mediaDir = Files.createTempDirectory("wagw-api-media");
            registry.add("gateway.media.dir", mediaDir::toString);
        }

        private HttpResponse<byte[]> get(String path, String authorization) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + API + path)).GET();
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            try {
                return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        private JsonNode json(String path) {
            HttpResponse<byte[]> r = get(path, "Bearer " + ADMIN_KEY);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        @BeforeEach
        void someTraffic() {
            if (count("wa_events") > 0) {
                return;
            }
            for (String sample : new String[] {"qr", "loading_screen", "message", "message_create", "message_ack", "call", "media", "group_join"}) {
                assertThat(client.post("/api/whatsapp/webhook", Samples.forSession(sample, "shop")).status()).isEqualTo(200);
            }
            client.post("/api/whatsapp/webhook", Samples.forSession("ready", "other-shop"));
        }

        @Test
        void withoutTheKeyEveryEndpointSays401() {
            for (String path : ENDPOINTS) {
                for (String auth : new String[] {null, "Bearer wrong", "Bearer " + ADMIN_KEY + "x", "Basic Og=="}) {
                    HttpResponse<byte[]> r = get(path, auth);
                    assertThat(r.statusCode()).as("%s with %s", path, auth).isEqualTo(401);
                    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"unauthorized\"").doesNotContain(ADMIN_KEY);
                }
            }
        }

        @Test
        void eventsFilteredBySource() {
            // Every event here came in on the whatsapp-web.js webhook; one is made a WAHA event for the filter to find.
            String waha = jdbc.queryForObject("SELECT event_id FROM wa_events WHERE event = 'group_join'", String.class);
            jdbc.update("UPDATE wa_events SET source = 'waha' WHERE event_id = CAST(? AS uuid)", waha);
            try {
                JsonNode only = json("/events?source=waha");
                assertThat(only.path("items")).hasSize(1);
                assertThat(only.path("items").get(0).path("eventId").asText()).isEqualTo(waha);
                assertThat(only.path("items").get(0).path("source").asText()).isEqualTo("waha");
                JsonNode others = json("/events?source=wwebjs&limit=500");
                assertThat(others.path("items")).hasSize((int) count("wa_events") - 1)
                        .noneMatch(e -> e.path("eventId").asText().equals(waha));
                assertThat(json("/events?source=cloud").path("items")).isEmpty();

                HttpResponse<byte[]> unknown = get("/events?source=telegram", "Bearer " + ADMIN_KEY);
                assertThat(unknown.statusCode()).isEqualTo(400);
                assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).contains("\"invalid_parameter\"")
                        .contains("wwebjs").contains("evolution");
            } finally {
                jdbc.update("UPDATE wa_events SET source = 'wwebjs' WHERE event_id = CAST(? AS uuid)", waha);
            }
        }

        @Test
        void sessionsListAndDetail() {
            JsonNode page = json("/sessions");
            assertThat(page.path("items")).hasSize(2);
            assertThat(page.path("items").get(0).path("sessionId").asText()).isEqualTo("other-shop");
            assertThat(page.path("nextOffset").isNull()).isTrue();
            assertThat(json("/sessions?limit=1").path("nextOffset").asInt()).isEqualTo(1);
            assertThat(json("/sessions?limit=1&offset=1").path("items").get(0).path("sessionId").asText()).isEqualTo("shop");

            JsonNode shop = json("/sessions/shop");
            assertThat(shop.path("status").asText()).isEqualTo("qr_pending");
            assertThat(shop.path("qrPending").asBoolean()).isTrue();
            assertThat(shop.path("loadingPercent").asInt()).isEqualTo(57);
            assertThat(shop.path("messageCount").asLong()).isEqualTo(3);
            assertThat(shop.path("callCount").asLong()).isEqualTo(1);
            assertThat(shop.path("eventCount").asLong()).isEqualTo(8);
            assertThat(shop.path("firstSeenAt").asText()).endsWith("Z");

            assertThat(get("/sessions/nobody", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(404);
        }

        @Test
        void theQrAsTextAndAsAPngThatDecodesToTheSameText() throws Exception {
            String qr = json("/sessions/shop/qr").path("qr").asText();
            assertThat(qr).startsWith("2@Xk7cQ0vYh1m3pK9sT4wZr8bN6fJ2dL5aE0uC3gH7iM1oP4qR8sV2xY6zA9bD3fG5hJ7kL0nQ2tW4yZ,");

            // A browser opens it with HTTP Basic (the key as password) instead of a Bearer header.
            String basic = "Basic " + Base64.getEncoder().encodeToString((":" + ADMIN_KEY).getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> png = get("/sessions/shop/qr.png", basic);
            assertThat(png.statusCode()).isEqualTo(200);
            assertThat(png.headers().firstValue("content-type")).hasValue("image/png");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
            String decoded = new MultiFormatReader().decode(
                    new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)))).getText();
            assertThat(decoded).isEqualTo(qr);
        }

        @Test
        void noPendingQrIs404() {
            assertThat(get("/sessions/other-shop/qr", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(404);
            HttpResponse<byte[]> png = get("/sessions/other-shop/qr.png", "Bearer " + ADMIN_KEY);
            assertThat(png.statusCode()).isEqualTo(404);
            assertThat(new String(png.body(), StandardCharsets.UTF_8)).contains("no_pending_qr");
        }

        @Test
        void messagesWithFilters() {
            JsonNode all = json("/sessions/shop/messages");
            assertThat(all.path("items")).hasSize(3);
            assertThat(all.path("items").get(0).path("msgTimestamp").asLong())
                    .isGreaterThanOrEqualTo(all.path("items").get(1).path("msgTimestamp").asLong());
            assertThat(json("/sessions/shop/messages?fromMe=true").path("items")).hasSize(1)
                    .allSatisfy(m -> assertThat(m.path("fromMe").asBoolean()).isTrue());
            assertThat(json("/sessions/shop/messages?chat=6281234567890@c.us").path("items")).hasSize(3);
            assertThat(json("/sessions/shop/messages?since=1764312100").path("items")).hasSize(1);
            assertThat(json("/sessions/shop/messages?since=2025-11-28T06:41:40Z").path("items")).hasSize(1);
            assertThat(get("/sessions/shop/messages?since=yesterday", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(400);
            assertThat(get("/sessions/shop/messages?limit=0", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(400);
        }

        @Test
        void oneMessageWithItsAckAndMediaLinkAndTheMediaFile() {
            JsonNode acked = json("/messages/true_6281234567890@c.us_3EB0A1B2C3D4E5F60789");
            assertThat(acked.path("ack").asInt()).isEqualTo(3);

            JsonNode withMedia = json("/messages/false_6281234567890@c.us_3EB0D00D1E2F3A4B5C6D");
            String url = withMedia.path("mediaUrl").asText();
            assertThat(url).startsWith("/api/whatsapp/media/");
            assertThat(withMedia.path("mediaMimetype").asText()).isEqualTo("image/png");
            assertThat(withMedia.path("mediaSize").asLong()).isEqualTo(70);

            HttpResponse<byte[]> file = get(url.substring(API.length()), "Bearer " + ADMIN_KEY);
            assertThat(file.statusCode()).isEqualTo(200);
            assertThat(file.headers().firstValue("content-type")).hasValue("image/png");
            assertThat(file.headers().firstValue("x-content-type-options")).hasValue("nosniff");
            assertThat(file.body()).isEqualTo(Base64.getDecoder().decode(
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="));

            assertThat(get("/media/" + "f".repeat(64), "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(404);
            assertThat(get("/media/..%2F..%2Fetc%2Fpasswd", "Bearer " + ADMIN_KEY).statusCode()).isIn(400, 404);
            assertThat(get("/messages/nope", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(404);
        }

        @Test
        void theEventArchiveWithFilters() {
            JsonNode all = json("/events?session=shop");
            assertThat(all.path("items")).hasSize(8);
            assertThat(all.path("items").get(0).has("data")).as("lists leave the payload out").isFalse();
            assertThat(json("/events?event=group_join").path("items")).hasSize(1)
                    .allSatisfy(e -> assertThat(e.path("status").asText()).isEqualTo("unrouted"));
            assertThat(json("/events?status=unrouted&session=shop").path("items")).hasSize(1);
            assertThat(json("/events?since=2999-01-01T00:00:00Z").path("items")).isEmpty();

            String id = json("/events?event=call").path("items").get(0).path("eventId").asText();
            JsonNode event = json("/events/" + id);
            assertThat(event.path("data").path("call").path("id").asText()).isEqualTo("F3C1B5E2A7D94C0B8E6A");
        }

        @Test
        void theReadApiIsReadOnlyAndEchoesNoCredentials() {
            Response post = client.post(API + "/sessions", "{}", Map.of("Authorization", "Bearer " + ADMIN_KEY));
            assertThat(post.status()).isEqualTo(405);
            HttpResponse<byte[]> r = get("/sessions", "Bearer " + ADMIN_KEY);
            assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("authorization"));
        }
    }

    @Nested
    class WithoutAdminKey extends NoAdminKeyGatewayTest {

        @Test
        void theReadApiIsOffNotOpen() {
            for (String path : ENDPOINTS) {
                Response r = client.get(API + path);
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.error()).isEqualTo("read_api_disabled");
            }
        }
    }
}
