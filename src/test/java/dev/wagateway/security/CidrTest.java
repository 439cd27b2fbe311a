package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void ipv4Networks() throws Exception {
        Cidr net = Cidr.parse("10.20.0.0/14");
        assertThat(net.contains(ip("10.20.0.1"))).isTrue();
        assertThat(net.contains(ip("10.23.255.255"))).isTrue();
        assertThat(net.contains(ip("10.24.0.0"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    }

    @Test
    void aBareAddressIsASingleHost() throws Exception {
        Cidr host = Cidr.parse("192.0.2.7");
        assertThat(host.contains(ip("192.0.2.7"))).isTrue();
        assertThat(host.contains(ip("192.0.2.8"))).isFalse();
    }

    @Test
    void ipv6AndMappedIpv4() throws Exception {
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:1::5"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.1/32").contains(ip("::ffff:127.0.0.1"))).isTrue();
        assertThat(Cidr.parse("::1/128").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void hostNamesAndBadPrefixesAreRefused() {
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}
