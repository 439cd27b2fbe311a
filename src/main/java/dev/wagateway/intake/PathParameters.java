package dev.wagateway.intake;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import dev.wagateway.shared.ErrorBody;
import dev.wagateway.shared.HttpReply;

/**
 * The path parameters of every platform-http route, percent-decoded once, here, before the route runs.
 * <p>
 * platform-http copies each {@code {name}} of a consumer's path into a header straight from the raw request URI,
 * so {@code /api/whatsapp/messages/true_1%40c.us_AB} reached the route as {@code true_1%40c.us_AB} and found no
 * message, although every OpenAPI-generated client encodes the {@code @} of a whatsapp-web.js id that way. This
 * wraps the route's processor (see {@link SynchronousPlatformHttp}) and replaces each such header with its decoded
 * value: {@code %XX} sequences as UTF-8 bytes, nothing else ({@code +} stays a plus, as in any path). A value that
 * does not decode (a control character; a stray {@code %} or bytes that are not UTF-8, which Tomcat already refuses
 * with its own JSON 400 on the HTTP path) is answered {@code 400 invalid_<name>} as JSON and the route does not run,
 * so nothing is touched.
 */
final class PathParameters implements Processor {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}/]+)}");

    private final List<String> names;
    private final Processor route;

    PathParameters(List<String> names, Processor route) {
        this.names = List.copyOf(names);
        this.route = route;
    }

    /** The {@code {name}}s of a consumer path such as {@code /api/whatsapp/sessions/{sessionId}/qr.png}. */
    static List<String> names(String consumerPath) {
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(consumerPath == null ? "" : consumerPath);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        for (String name : names) {
            String raw = message.getHeader(name, String.class);
            if (raw == null) {
                continue;
            }
            Optional<String> decoded = decode(raw);
            if (decoded.isEmpty()) {
                HttpReply.reset(exchange, 400, "application/json", Map.of())
                        .setBody(ErrorBody.bytes(code(name), name + " in the path is not valid percent-encoded UTF-8 or holds a control character"));
                return;
            }
            message.setHeader(name, decoded.get());
        }
        route.process(exchange);
    }

    /**
     * RFC 3986 percent-decoding of one path segment; empty when it is malformed, is not UTF-8 or holds a control
     * character. A request line is ASCII (Tomcat refuses other bytes), so a literal character beyond it is malformed.
     */
    static Optional<String> decode(String raw) {
        byte[] bytes = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
                if (low < 0) {
                    return Optional.empty();
                }
                bytes[length++] = (byte) (high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                return Optional.empty();
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return controlFree(utf8.decode(ByteBuffer.wrap(bytes, 0, length)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> controlFree(String value) {
        return value.chars().anyMatch(Character::isISOControl) ? Optional.empty() : Optional.of(value);
    }

    /** {@code sessionId} → {@code invalid_session_id}, the SPEC's code for the webhook's path too. */
    static String code(String name) {
        return "invalid_" + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
