package dev.wagateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Path parameters are percent-decoded once, before the route, or refused with a 400 that names them. */
class PathParametersTest {

    @Test
    void theNamesComeFromTheConsumerPath() {
        assertThat(PathParameters.names("/api/whatsapp/sessions/{sessionId}/qr.png")).containsExactly("sessionId");
        assertThat(PathParameters.names("/api/whatsapp/dead-letters/{deadLetterId}/replay")).containsExactly("deadLetterId");
        assertThat(PathParameters.names("/api/whatsapp/webhook")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "true_6281234567890%40c.us_3EB0A1B2 | true_6281234567890@c.us_3EB0A1B2",
            "wamid%2EHBgM                       | wamid.HBgM",
            "a%3Db%3Ac%2Fd%2fe                  | a=b:c/d/e",
            "true_1@c.us_AB                     | true_1@c.us_AB",
            "a+b                                | a+b",
            "%E2%82%AC%F0%9F%93%A6              | €📦",
            "100%25                             | 100%",
            "path%2Dshop                        | path-shop"})
    void encodedCharactersAreDecodedOnce(String raw, String decoded) {
        assertThat(PathParameters.decode(raw)).hasValue(decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "abc%", "abc%4", "%zz", "%4g", "%C3%28", "%FF", "%ED%A0%80", "a%00b", "a%0Ab", "a%7Fb", "é"})
    void whatDoesNotDecodeToPrintableUtf8IsRefused(String raw) {
        assertThat(PathParameters.decode(raw)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"sessionId, invalid_session_id", "messageId, invalid_message_id", "deadLetterId, invalid_dead_letter_id",
            "sha256, invalid_sha256", "event, invalid_event", "eventId, invalid_event_id"})
    void aRefusalIsNamedAfterItsParameter(String name, String code) {
        assertThat(PathParameters.code(name)).isEqualTo(code);
    }

    @Test
    void theRouteSeesTheDecodedValue() throws Exception {
        List<String> seen = new ArrayList<>();
        Exchange exchange = exchange("true_1%40c.us_AB");
        new PathParameters(List.of("messageId"), e -> seen.add(e.getMessage().getHeader("messageId", String.class)))
                .process(exchange);
        assertThat(seen).containsExactly("true_1@c.us_AB");
    }

    @Test
    void aMalformedValueIsAnsweredWithoutRunningTheRoute() throws Exception {
        List<String> seen = new ArrayList<>();
        Exchange exchange = exchange("abc%zz");
        new PathParameters(List.of("messageId"), e -> seen.add("ran")).process(exchange);
        assertThat(seen).isEmpty();
        assertThat(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(exchange.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(exchange.getMessage().getHeader("messageId")).as("nothing the client sent is echoed").isNull();
        assertThat(new String(exchange.getMessage().getBody(byte[].class), StandardCharsets.UTF_8))
                .contains("\"success\":false", "\"error\":\"invalid_message_id\"");
    }

    private static Exchange exchange(String messageId) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader("messageId", messageId);
        return exchange;
    }
}
