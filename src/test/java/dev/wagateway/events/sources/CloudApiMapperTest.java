package dev.wagateway.events.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import dev.wagateway.shared.WebhookRejection;

/** The Cloud API mapper on the samples of src/test/resources/samples/cloud/, without a gateway. */
class CloudApiMapperTest {

    private final ObjectMapper json = new ObjectMapper();
    private final CloudApiMapper mapper = new CloudApiMapper();

    private List<SourceEvent> map(String sample) throws IOException {
        return mapper.map(json.readTree(getClass().getResourceAsStream("/samples/cloud/" + sample + ".json")), null, null);
    }

    @Test
    void aTextMessageTakesWhatsappWebJsShape() throws IOException {
        SourceEvent e = map("text").get(0);

        assertThat(e.event()).isEqualTo("message");
        assertThat(e.sessionId()).isEqualTo("109876543210987");
        assertThat(e.deliveryId()).isEqualTo("cloud:" + CloudApiSourceIT.TEXT_WAMID);
        JsonNode m = e.data().path("message");
        assertThat(m.path("id").path("_serialized").asText()).isEqualTo(CloudApiSourceIT.TEXT_WAMID);
        assertThat(m.path("id").path("remote").asText()).isEqualTo("6281234567890@c.us");
        assertThat(m.path("from").asText()).isEqualTo("6281234567890@c.us");
        assertThat(m.path("to").asText()).isEqualTo("6289876543210@c.us");
        assertThat(m.path("type").asText()).isEqualTo("chat");
        assertThat(m.path("timestamp").isNumber()).isTrue();
        assertThat(m.path("fromMe").asBoolean(true)).isFalse();
        // data.raw is a Cloud API value holding just this message and its sender.
        JsonNode raw = e.data().path("raw");
        assertThat(raw.path("messages")).hasSize(1);
        assertThat(raw.path("contacts").get(0).path("profile").path("name").asText()).isEqualTo("Budi Santoso");
    }

    @Test
    void eachStatusIsAnAckOnTheWhatsappWebJsScale() throws IOException {
        assertThat(map("status_sent").get(0).data().path("ack").asInt()).isEqualTo(1);
        assertThat(map("status_delivered").get(0).data().path("ack").asInt()).isEqualTo(2);
        assertThat(map("status_read").get(0).data().path("ack").asInt()).isEqualTo(3);
        SourceEvent failed = map("status_failed").get(0);
        assertThat(failed.event()).isEqualTo("message_ack");
        assertThat(failed.data().path("ack").asInt()).isEqualTo(-1);
        assertThat(failed.data().path("message").path("fromMe").asBoolean()).isTrue();
        assertThat(failed.data().path("raw").path("statuses").get(0).path("errors").get(0).path("code").asInt())
                .isEqualTo(131026);
        assertThat(failed.deliveryId()).endsWith(":failed");
    }

    @Test
    void theBatchIsFiveEventsInOrderEachWithItsOwnRepeatKey() throws IOException {
        List<SourceEvent> events = map("batch");

        assertThat(events).extracting(SourceEvent::event)
                .containsExactly("message", "message", "message", "message_ack", "message_ack");
        assertThat(events).extracting(SourceEvent::deliveryId).doesNotHaveDuplicates().doesNotContainNull();
        // Each message's raw carries only its own sender's contact.
        assertThat(events.get(0).data().path("raw").path("contacts")).hasSize(1);
        assertThat(events.get(0).data().path("raw").path("contacts").get(0).path("wa_id").asText())
                .isEqualTo("6285711122233");
        JsonNode document = events.get(2).data().path("message");
        assertThat(document.path("hasMedia").asBoolean()).isTrue();
        assertThat(document.path("mediaRef").path("filename").asText()).isEqualTo("faktur-0042.pdf");
        assertThat(document.path("body").asText()).isEqualTo("Faktur");
    }

    @Test
    void anotherSubscribedFieldIsKeptUnderItsOwnName() throws IOException {
        List<SourceEvent> events = mapper.map(json.readTree("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":"
                + "\"102290129340398\",\"changes\":[{\"field\":\"account_update\",\"value\":{\"event\":\"VERIFIED_ACCOUNT\"}}]}]}"),
                null, null);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).event()).isEqualTo("account_update");
        assertThat(events.get(0).sessionId()).isEqualTo("102290129340398");
        assertThat(events.get(0).data().path("raw").path("event").asText()).isEqualTo("VERIFIED_ACCOUNT");
    }

    @Test
    void aUserKnownOnlyByItsBusinessScopedIdKeepsThatIdAsItsChat() throws IOException {
        List<SourceEvent> events = mapper.map(json.readTree("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":"
                + "\"102290129340398\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\","
                + "\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},"
                + "\"contacts\":[{\"profile\":{\"name\":\"Sheena\",\"username\":\"@sheena\"},\"user_id\":\"US.13491208655302741918\"}],"
                + "\"messages\":[{\"id\":\"wamid.B\",\"timestamp\":\"1739321024\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}],"
                + "\"statuses\":[{\"id\":\"wamid.C\",\"status\":\"read\",\"timestamp\":\"1739321030\","
                + "\"recipient_user_id\":\"US.13491208655302741918\"}]}}]}]}"), null, null);

        JsonNode message = events.get(0).data().path("message");
        assertThat(message.path("from").asText()).isEqualTo("US.13491208655302741918");
        assertThat(message.path("id").path("remote").asText()).isEqualTo("US.13491208655302741918");
        assertThat(events.get(0).data().path("raw").path("contacts")).hasSize(1);
        assertThat(events.get(1).data().path("message").path("to").asText()).isEqualTo("US.13491208655302741918");
    }

    @Test
    void aBodyOfAnotherShapeIsA400() {
        assertThatThrownBy(() -> mapper.map(json.readTree("{\"sessionId\":\"s\",\"event\":\"ready\"}"), null, null))
                .isInstanceOfSatisfying(WebhookRejection.class, r -> {
                    assertThat(r.status()).isEqualTo(400);
                    assertThat(r.code()).isEqualTo("invalid_payload");
                });
    }
}
