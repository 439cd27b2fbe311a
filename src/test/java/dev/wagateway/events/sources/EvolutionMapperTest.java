package dev.wagateway.events.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wagateway.shared.WebhookRejection;

/** Every sample in samples/evolution/ mapped to the gateway's event and the data shape its route reads. */
class EvolutionMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EvolutionMapper mapper = new EvolutionMapper();

    static JsonNode sample(String name) {
        try (InputStream in = EvolutionMapperTest.class.getResourceAsStream("/samples/evolution/" + name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private SourceEvent one(JsonNode body, String pathEvent) {
        List<SourceEvent> events = mapper.map(body, null, pathEvent);
        assertThat(events).hasSize(1);
        SourceEvent event = events.get(0);
        assertThat(event.sessionId()).isEqualTo("toko-jakarta");
        // Evolution's document travels with every event, but never its apikey (the instance's token).
        ObjectNode expectedRaw = body.deepCopy();
        expectedRaw.remove("apikey");
        assertThat(event.data().get(SourceEvent.RAW)).isEqualTo(expectedRaw);
        assertThat(event.data().toString()).doesNotContain("B6D711FCDE4D4FD5936544120E713976");
        return event;
    }

    private SourceEvent one(String sample) {
        return one(sample(sample), null);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "qrcode_updated.json,               qr",
        "connection_update_connecting.json, change_state",
        "connection_update_open.json,       ready",
        "connection_update_close.json,      disconnected",
        "messages_upsert.json,              message",
        "messages_upsert_from_me.json,      message_create",
        "messages_upsert_image.json,        message",
        "send_message.json,                 message_create",
        "messages_update.json,              message_ack",
        "messages_update_delivery.json,     message_ack",
        "call.json,                         call",
        "contacts_update.json,              contacts_update",
    })
    void everySampleMapsToItsEvent(String sample, String event) {
        assertThat(one(sample).event()).isEqualTo(event);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "messages.upsert, ",
        "MESSAGES_UPSERT, ",
        "messages.upsert, messages-upsert",
        ",                messages-upsert",
    })
    void everySpellingOfTheEventIsTheSame(String bodyEvent, String pathEvent) {
        ObjectNode body = sample("messages_upsert.json").deepCopy();
        if (bodyEvent == null) {
            body.remove("event");
        } else {
            body.put("event", bodyEvent);
        }
        SourceEvent event = mapper.map(body, null, pathEvent).get(0);
        assertThat(event.event()).isEqualTo("message");
        assertThat(event.deliveryId()).isEqualTo("evolution:toko-jakarta:MESSAGES_UPSERT:3EB0C767D71D3A5F0A1B");
    }

    @Test
    void theUrlEventMustAgreeWithTheBody() {
        assertThat(code(() -> mapper.map(sample("messages_upsert.json"), null, "messages-update")))
                .isEqualTo("invalid_event");
    }

    @Test
    void theQrIsTheStringToScan() {
        JsonNode data = one("qrcode_updated.json").data();
        assertThat(data.get("qr").asText()).isEqualTo(sample("qrcode_updated.json").at("/data/qrcode/code").asText());
    }

    @Test
    void theQrLimitMessageIsNotAQr() {
        ObjectNode body = sample("qrcode_updated.json").deepCopy();
        body.set("data", JSON.createObjectNode().put("message", "QR code limit reached, please login again")
                .put("statusCode", 500));
        assertThat(mapper.map(body, null, null).get(0).event()).isEqualTo("qrcode_updated");
    }

    @Test
    void connectionStatesCarryWhatTheLifecycleRoutesRead() {
        assertThat(one("connection_update_close.json").data().get("reason").asText()).isEqualTo("401");
        assertThat(one("connection_update_connecting.json").data().get("state").asText()).isEqualTo("connecting");
    }

    @Test
    void anIncomingMessageIsInWhatsappWebJsShapeUnderEvolutionsKeyId() {
        SourceEvent event = one("messages_upsert.json");
        JsonNode message = event.data().get("message");
        assertThat(message.at("/id/_serialized").asText()).isEqualTo("3EB0C767D71D3A5F0A1B");
        assertThat(message.at("/id/remote").asText()).isEqualTo("6281234567890@c.us");
        assertThat(message.get("from").asText()).isEqualTo("6281234567890@c.us");
        assertThat(message.get("to").asText()).isEqualTo("6289876543210@c.us");
        assertThat(message.get("fromMe").asBoolean()).isFalse();
        assertThat(message.get("body").asText()).isEqualTo("Halo, apakah pesanan saya sudah dikirim? 📦");
        assertThat(message.get("type").asText()).isEqualTo("chat");
        assertThat(message.get("timestamp").asLong()).isEqualTo(1764312000L);
        assertThat(message.get("hasMedia").asBoolean()).isFalse();
        assertThat(message.get("hasQuotedMsg").asBoolean()).isFalse();
        assertThat(message.get("ack").asInt()).isEqualTo(2);
    }

    @Test
    void ownAndMediaMessages() {
        JsonNode own = one("messages_upsert_from_me.json").data().get("message");
        assertThat(own.get("from").asText()).isEqualTo("6289876543210@c.us");
        assertThat(own.get("to").asText()).isEqualTo("6281234567890@c.us");
        assertThat(own.get("hasQuotedMsg").asBoolean()).isTrue();
        assertThat(own.get("ack").asInt()).isEqualTo(1);
        JsonNode image = one("messages_upsert_image.json").data().get("message");
        assertThat(image.get("type").asText()).isEqualTo("image");
        assertThat(image.get("hasMedia").asBoolean()).isTrue();
        assertThat(image.get("body").asText()).isEqualTo("Bukti transfer");
        JsonNode sent = one("send_message.json").data().get("message");
        assertThat(sent.get("ack").asInt()).isZero();
    }

    /** webhookBase64: the bytes leave the message's raw document for a media event of whatsapp-web.js's shape. */
    @Test
    void aMessageWithItsBase64IsAMessageAndAMediaEvent() {
        List<SourceEvent> events = mapper.map(sample("messages_upsert_image_base64.json"), null, null);
        assertThat(events).extracting(SourceEvent::event).containsExactly("message", "media");
        SourceEvent message = events.get(0);
        SourceEvent media = events.get(1);
        assertThat(message.data().at("/raw/data/message").has("base64")).as("no second copy of the file").isFalse();
        assertThat(message.data().at("/raw/data/message/imageMessage/caption").asText()).isEqualTo("Bukti transfer");
        JsonNode file = media.data().get("messageMedia");
        assertThat(file.get("data").asText()).startsWith("iVBORw0KGgo");
        assertThat(file.get("mimetype").asText()).isEqualTo("image/png");
        assertThat(file.get("filesize").asLong()).isEqualTo(70L);
        assertThat(media.data().at("/message/id/_serialized").asText())
                .isEqualTo(message.data().at("/message/id/_serialized").asText()).endsWith("3EB0E11E2F3A4B5C6D7E");
        assertThat(media.data().has("raw")).isFalse();
        assertThat(media.deliveryId()).isEqualTo(message.deliveryId() + ":media");
        assertThat(one("messages_upsert_image.json").event()).as("without webhookBase64, one event").isEqualTo("message");
    }

    @Test
    void receiptsAreOnTheWhatsappWebJsScale() {
        SourceEvent read = one("messages_update.json");
        assertThat(read.data().get("ack").asInt()).isEqualTo(3);
        assertThat(read.data().at("/message/id/_serialized").asText()).isEqualTo("3EB0A1B2C3D4E5F60789");
        assertThat(read.deliveryId()).isEqualTo("evolution:toko-jakarta:MESSAGES_UPDATE:3EB0A1B2C3D4E5F60789:READ");
        assertThat(one("messages_update_delivery.json").data().get("ack").asInt()).isEqualTo(2);
    }

    @Test
    void anUpdateThatIsNoReceiptKeepsItsName() {
        ObjectNode body = sample("messages_update.json").deepCopy();
        ((ObjectNode) body.get("data")).put("status", "DELETED");
        SourceEvent event = mapper.map(body, null, null).get(0);
        assertThat(event.event()).isEqualTo("messages_update");
        assertThat(event.deliveryId()).isNull();
    }

    @Test
    void aCallIsInTheShapeOfTheCallRoute() {
        JsonNode call = one("call.json").data().get("call");
        assertThat(call.get("id").asText()).isEqualTo("F3C1B5E2A7D94C0B8E6A");
        assertThat(call.get("from").asText()).isEqualTo("6281234567890@c.us");
        assertThat(call.get("timestamp").asLong()).isEqualTo(1764312300L);
        assertThat(call.get("isGroup").asBoolean()).isFalse();
    }

    @Test
    void baileysUserIdsAreWrittenAsWhatsappWebJsWritesThem() {
        assertThat(EvolutionMapper.jid("6281234567890@s.whatsapp.net")).isEqualTo("6281234567890@c.us");
        assertThat(EvolutionMapper.jid("6281234567890:12@s.whatsapp.net")).isEqualTo("6281234567890@c.us");
        assertThat(EvolutionMapper.jid("120363025246125486@g.us")).isEqualTo("120363025246125486@g.us");
        assertThat(EvolutionMapper.jid("123456789012345@lid")).isEqualTo("123456789012345@lid");
        assertThat(EvolutionMapper.jid(null)).isNull();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
        "\"text\"                                                                | invalid_json",
        "{\"event\":\"messages.upsert\",\"data\":{}}                             | missing_session_id",
        "{\"instance\":\"Toko Jakarta\",\"event\":\"call\",\"data\":{}}          | invalid_session_id",
        "{\"instance\":\"s1\",\"data\":{}}                                       | missing_event",
        "{\"instance\":\"s1\",\"event\":\"messages.upsert\",\"data\":{}}         | invalid_payload",
        "{\"instance\":\"s1\",\"event\":\"messages.update\",\"data\":{\"status\":\"READ\"}} | invalid_payload",
        "{\"instance\":\"s1\",\"event\":\"connection.update\",\"data\":{}}       | invalid_payload",
        "{\"instance\":\"s1\",\"event\":\"call\",\"data\":[]}                    | invalid_payload",
    })
    void aBodyThatIsNotEvolutionsShapeIsRefused(String body, String error) throws IOException {
        JsonNode json = JSON.readTree(body);
        assertThat(code(() -> mapper.map(json, null, null))).isEqualTo(error);
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
}
