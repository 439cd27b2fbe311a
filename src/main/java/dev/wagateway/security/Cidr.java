package dev.wagateway.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}, or a bare address). */
final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        if (!host.matches("[0-9A-Fa-f:.]+")) {
            // Only literal addresses: a host name here would mean a DNS lookup at every start.
            throw new IllegalArgumentException("not an IP address or CIDR: " + text);
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address or CIDR: " + text);
        }
        int bits = address.length * 8;
        int prefix = slash < 0 ? bits : Integer.parseInt(s.substring(slash + 1));
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("bad prefix length in " + text);
        }
        return new Cidr(address, prefix, s);
    }

    public static List<Cidr> parseAll(List<String> texts) {
        return texts.stream().filter(t -> t != null && !t.isBlank()).map(Cidr::parse).toList();
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            candidate = mapped(candidate, network.length);
            if (candidate == null) {
                return false;
            }
        }
        int fullBytes = prefix / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }

    /** An IPv4 address seen as IPv4-mapped IPv6 (::ffff:a.b.c.d) or the other way round. */
    private static byte[] mapped(byte[] candidate, int wantedLength) {
        if (candidate.length == 16 && wantedLength == 4) {
            for (int i = 0; i < 10; i++) {
                if (candidate[i] != 0) return null;
            }
            if (candidate[10] != (byte) 0xFF || candidate[11] != (byte) 0xFF) return null;
            return new byte[] {candidate[12], candidate[13], candidate[14], candidate[15]};
        }
        if (candidate.length == 4 && wantedLength == 16) {
            byte[] v6 = new byte[16];
            v6[10] = (byte) 0xFF;
            v6[11] = (byte) 0xFF;
            System.arraycopy(candidate, 0, v6, 12, 4);
            return v6;
        }
        return null;
    }

    public static boolean anyContains(List<Cidr> cidrs, InetAddress address) {
        for (Cidr cidr : cidrs) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
