package dev.wagateway.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client IP that limits apply to: the socket's peer address, or, only when that peer is a configured trusted
 * proxy, the right-most X-Forwarded-For entry that is not itself a trusted proxy. Anyone else's X-Forwarded-For
 * is ignored, so a client cannot pick a fresh address per request to escape its limit.
 */
class ClientAddressResolver {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9]+)?");

    private final List<Cidr> trustedProxies;

    public ClientAddressResolver(List<Cidr> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public InetAddress resolve(String remoteAddr, String forwardedFor) {
        InetAddress peer = literal(remoteAddr);
        if (peer == null) {
            throw new IllegalStateException("no peer address");
        }
        if (forwardedFor == null || forwardedFor.isBlank() || !Cidr.anyContains(trustedProxies, peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        InetAddress client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            InetAddress hop = literal(hops[i].trim());
            if (hop == null) {
                // A garbled entry: stop at the last address we could believe.
                break;
            }
            client = hop;
            if (!Cidr.anyContains(trustedProxies, hop)) {
                break;
            }
        }
        return client;
    }

    /** Parses an IP literal without ever resolving a host name. */
    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || s.length() > 64) {
            return null;
        }
        boolean ok = s.indexOf(':') >= 0 ? IPV6.matcher(s).matches() : IPV4.matcher(s).matches();
        if (!ok) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
