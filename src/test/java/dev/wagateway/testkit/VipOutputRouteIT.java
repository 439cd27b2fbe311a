package dev.wagateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** The route under test: src/test/resources/testkit/vip-output.yaml, run with every route of routes/. */
@TestPropertySource(properties = {
        GatewayRouteTest.ROUTES + ",file:src/test/resources/testkit/vip-output.yaml",
        "gateway.outputs.custom.vip.events=message,message_create",
        "vip.numbers=6281234567890@c.us,6281100000000@c.us",
        "vip.url=mock:account-managers"})   // in production: an https:// URL
class VipOutputRouteIT extends GatewayRouteTest {

    @Test
    void onlyMessagesFromVipsReachTheAccountManagers() throws Exception {
        MockEndpoint managers = mock("mock:account-managers");
        managers.expectedMessageCount(1);
        managers.expectedHeaderReceived("X-Webhook-Event", "message");

        assertThat(postSample("message_create").status()).isEqualTo(200);  // the shop's own reply: no VIP
        assertThat(postSample("message").status()).isEqualTo(200);         // from 6281234567890@c.us: a VIP
        assertThat(postSample("ready").status()).isEqualTo(200);           // not an event the output asked for

        // An output gets a session's events in order: once the VIP's message is there, the reply has been
        // through the filter already, so exactly one message means the filter held it back.
        managers.assertIsSatisfied(10_000);
        assertThat(managers.getReceivedExchanges().get(0).getMessage().getBody(String.class))
                .contains("Halo, apakah pesanan saya sudah dikirim?");

        // The shipped routes still did their part: both messages are in wa_messages.
        assertThat(rows("SELECT body FROM wa_messages ORDER BY body")).hasSize(2);
    }
}
