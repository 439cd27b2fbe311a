package dev.wagateway.events.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wagateway.shared.WebhookRejection;

/** Every sample in samples/waha/ mapped to the gateway's event and the data shape its route reads. */
class WahaMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WahaMapper mapper = new WahaMapper(false);

    static JsonNode sample(String name) {
        try (InputStream in = WahaMapperTest.class.getResourceAsStream("/samples/waha/" + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private SourceEvent one(String sample) {
        List<SourceEvent> events = mapper.map(sample(sample), null, null);
        assertThat(events).hasSize(1);
        SourceEvent event = events.get(0);
        assertThat(event.sessionId()).isEqualTo("toko-jakarta");
        // The whole WAHA document travels with every event.
        assertThat(event.data().get(SourceEvent.RAW)).isEqualTo(sample(sample));
        return event;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "session_status_starting.json,     change_state",
        "session_status_scan_qr_code.json, qr",
        "session_status_working.json,      ready",
        "session_status_failed.json,       disconnected",
        "session_status_stopped.json,      disconnected",
        "message.json,                     message",
        "message_any.json,                 message_create",
        "message_image.json,               message",
        "message_ack.json,                 message_ack",
        "call_received.json,               call",
        "message_reaction.json,            message_reaction",
        "group_v2_join.json,               group_join",
    })
    void everySampleMapsToItsEvent(String sample, String event) {
        SourceEvent mapped = one(sample);
        assertThat(mapped.event()).isEqualTo(event);
        assertThat(mapped.deliveryId()).isEqualTo("waha:toko-jakarta:" + sample(sample).get("id").asText());
    }

    @Test
    void sessionStatusCarriesWhatTheLifecycleRoutesRead() {
        assertThat(one("session_status_starting.json").data().get("state").asText()).isEqualTo("STARTING");
        assertThat(one("session_status_failed.json").data().get("reason").asText()).isEqualTo("FAILED");
        assertThat(one("session_status_stopped.json").data().get("reason").asText()).isEqualTo("STOPPED");
        // WAHA posts no QR string: the event says a QR waits, the QR itself stays on WAHA.
        JsonNode qr = one("session_status_scan_qr_code.json").data();
        assertThat(qr.has("qr")).isTrue();
        assertThat(qr.get("qr").isNull()).isTrue();
    }

    @Test
    void anIncomingMessageIsInWhatsappWebJsShapeUnderWahasOwnId() {
        JsonNode message = one("message.json").data().get("message");
        assertThat(message.at("/id/_serialized").asText()).isEqualTo("false_6281234567890@c.us_3EB0C767D71D3A5F0A1B");
        assertThat(message.at("/id/remote").asText()).isEqualTo("6281234567890@c.us");
        assertThat(message.at("/id/id").asText()).isEqualTo("3EB0C767D71D3A5F0A1B");
        assertThat(message.get("fromMe").asBoolean()).isFalse();
        assertThat(message.get("from").asText()).isEqualTo("6281234567890@c.us");
        assertThat(message.get("to").asText()).isEqualTo("6289876543210@c.us");
        assertThat(message.get("body").asText()).isEqualTo("Halo, apakah pesanan saya sudah dikirim? 📦");
        assertThat(message.get("type").asText()).isEqualTo("chat");
        assertThat(message.get("timestamp").asLong()).isEqualTo(1764312000L);
        assertThat(message.get("hasMedia").asBoolean()).isFalse();
        assertThat(message.get("hasQuotedMsg").asBoolean()).isFalse();
        assertThat(message.get("ack").asInt()).isEqualTo(1);
    }

    @Test
    void ownMessageIsMessageCreateAndKnowsItQuotes() {
        JsonNode message = one("message_any.json").data().get("message");
        assertThat(message.get("fromMe").asBoolean()).isTrue();
        assertThat(message.at("/id/remote").asText()).isEqualTo("6281234567890@c.us");
        assertThat(message.get("hasQuotedMsg").asBoolean()).isTrue();
        assertThat(message.get("ack").asInt()).isZero();
    }

    @Test
    void ackIsOnTheWhatsappWebJsScaleAndNamesTheMessage() {
        JsonNode data = one("message_ack.json").data();
        assertThat(data.get("ack").asInt()).isEqualTo(3);
        assertThat(data.at("/message/id/_serialized").asText()).isEqualTo("true_6281234567890@c.us_3EB0A1B2C3D4E5F60789");
        assertThat(data.at("/message/fromMe").asBoolean()).isTrue();
    }

    @Test
    void anAckNamedOnlyByAckNameIsScaled() {
        JsonNode body = sample("message_ack.json").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("payload")).remove("ack");
        ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("payload")).put("ackName", "DEVICE");
        assertThat(mapper.map(body, null, null).get(0).data().get("ack").asInt()).isEqualTo(2);
    }

    @Test
    void aCallIsInTheShapeOfTheCallRoute() {
        JsonNode call = one("call_received.json").data().get("call");
        assertThat(call.get("id").asText()).isEqualTo("F3C1B5E2A7D94C0B8E6A");
        assertThat(call.get("from").asText()).isEqualTo("6281234567890@c.us");
        assertThat(call.get("timestamp").asLong()).isEqualTo(1764312300L);
        assertThat(call.get("isVideo").asBoolean()).isFalse();
    }

    @Test
    void withoutAnEventIdMessagesUseTheirOwnIdAsRepeatKey() {
        JsonNode body = sample("message.json").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) body).remove("id");
        assertThat(mapper.map(body, null, null).get(0).deliveryId())
                .isEqualTo("waha:toko-jakarta:message:false_6281234567890@c.us_3EB0C767D71D3A5F0A1B");
        JsonNode status = sample("session_status_working.json").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) status).remove("id");
        assertThat(mapper.map(status, null, null).get(0).deliveryId()).isNull();
    }

    @Test
    void thePathSessionFillsInAndMustAgree() {
        assertThat(mapper.map(sample("message.json"), "toko-jakarta", null).get(0).sessionId()).isEqualTo("toko-jakarta");
        assertThat(code(() -> mapper.map(sample("message.json"), "toko-bandung", null))).isEqualTo("session_mismatch");
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "[1,2]                                                                 | invalid_json",
        "{\"event\":\"message\",\"payload\":{}}                                | missing_session_id",
        "{\"session\":\"toko jakarta\",\"event\":\"message\",\"payload\":{}}   | invalid_session_id",
        "{\"session\":\"s1\",\"payload\":{}}                                   | missing_event",
        "{\"session\":\"s1\",\"event\":\"...\",\"payload\":{}}                 | invalid_event",
        "{\"session\":\"s1\",\"event\":\"message\",\"payload\":{\"body\":\"x\"}} | invalid_payload",
        "{\"session\":\"s1\",\"event\":\"message.ack\",\"payload\":{\"id\":\"true_a@c.us_B\"}} | invalid_payload",
        "{\"session\":\"s1\",\"event\":\"session.status\",\"payload\":{}}      | invalid_payload",
        "{\"session\":\"s1\",\"event\":\"call.received\",\"payload\":{}}       | invalid_payload",
    })
    void aBodyThatIsNotWahasShapeIsRefused(String body, String error) throws IOException {
        JsonNode json = JSON.readTree(body);
        assertThat(code(() -> mapper.map(json, null, null))).isEqualTo(error);
    }

    @Test
    void ownNamesFollowTheEventNameRule() {
        assertThat(SourceChecks.ownName("poll.vote.failed")).isEqualTo("poll_vote_failed");
        assertThat(SourceChecks.ownName("group.v2.participants")).isEqualTo("group_participants");
        assertThat(SourceChecks.ownName("GROUP_PARTICIPANTS_UPDATE")).isEqualTo("group_participants_update");
        assertThat(SourceChecks.ownName("x".repeat(80))).hasSize(64).matches("^[a-z_]{1,64}$");
    }

    private static String code(Runnable r) {
        try {
            r.run();
            return "passed";
        } catch (WebhookRejection e) {
            assertThat(e.status()).isEqualTo(400);
            return e.code();
        }
    }

    @Test
    void refusalsAreOur400() {
        assertThatThrownBy(() -> mapper.map(JSON.nullNode(), null, null)).isInstanceOf(WebhookRejection.class);
    }

    /** Without WAHA_URL a file stays on WAHA: the message alone, its data.raw naming WAHA's URL. */
    @Test
    void aMessagesFileStaysOnWahaWithoutWahaUrl() {
        SourceEvent message = one("message_image.json");
        assertThat(message.data().path("message").path("hasMedia").asBoolean()).isTrue();
        assertThat(message.data().path("message").path("type").asText()).isEqualTo("image");
    }

    /** With WAHA_URL the message is followed by a media event naming WAHA's file for the intake to download. */
    @Test
    void aMessagesFileBecomesAMediaEventWithWahaUrl() {
        JsonNode body = sample("message_image.json");
        List<SourceEvent> events = new WahaMapper(true).map(body, null, null);

        assertThat(events).extracting(SourceEvent::event).containsExactly("message", "media");
        SourceEvent media = events.get(1);
        assertThat(media.sessionId()).isEqualTo("toko-jakarta");
        assertThat(media.deliveryId()).isEqualTo(events.get(0).deliveryId() + ":media");
        JsonNode file = media.data().path("messageMedia");
        assertThat(file.path("url").asText()).isEqualTo(body.path("payload").path("media").path("url").asText());
        assertThat(file.path("mimetype").asText()).isEqualTo("image/png");
        assertThat(file.path("data").isNull()).isTrue();
        assertThat(media.data().path("message")).isEqualTo(events.get(0).data().path("message"));
        // A message without a file, and an ack of one with a file, stay one event.
        assertThat(new WahaMapper(true).map(sample("message.json"), null, null)).hasSize(1);
        assertThat(new WahaMapper(true).map(sample("message_ack.json"), null, null)).hasSize(1);
    }
}
