package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {

    private final ClientAddressResolver behindProxies =
            new ClientAddressResolver(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("127.0.0.1")));
    private final ClientAddressResolver direct = new ClientAddressResolver(List.of());

    @Test
    void withoutTrustedProxiesForwardedForIsIgnored() {
        assertThat(direct.resolve("198.51.100.4", "1.2.3.4").getHostAddress()).isEqualTo("198.51.100.4");
    }

    @Test
    void fromATrustedProxyTheRightMostUntrustedHopIsTheClient() {
        assertThat(behindProxies.resolve("10.0.0.5", "203.0.113.9").getHostAddress()).isEqualTo("203.0.113.9");
        assertThat(behindProxies.resolve("10.0.0.5", "192.0.2.1, 203.0.113.9, 10.1.1.1").getHostAddress())
                .isEqualTo("203.0.113.9");
    }

    @Test
    void anUntrustedPeerCannotClaimAnotherAddress() {
        assertThat(behindProxies.resolve("198.51.100.4", "10.0.0.1").getHostAddress()).isEqualTo("198.51.100.4");
    }

    @Test
    void garbageInForwardedForStopsAtTheLastBelievableHop() {
        assertThat(behindProxies.resolve("10.0.0.5", "evil.example.com").getHostAddress()).isEqualTo("10.0.0.5");
        assertThat(behindProxies.resolve("10.0.0.5", "unknown, 203.0.113.9").getHostAddress()).isEqualTo("203.0.113.9");
    }
}
