package dev.wagateway.events;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.filter.FilteringParserDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Keeps a large media file out of the parsed tree. A media event carries its file as one base64 string
 * ({@code data.messageMedia.data}, up to ~90 MB); parsed into a tree, Jackson would build it through char
 * buffers of twice its size. Instead a streaming pass finds the string's bytes in the raw body, the tree is parsed
 * without it (Jackson skips a string it is not asked for without decoding it), and the media extractor decodes
 * the file straight from the raw bytes.
 */
final class LargeMediaLocator {

    /** Below this the file is small enough to parse as usual. */
    static final int THRESHOLD = 256 * 1024;

    private LargeMediaLocator() {
    }

    /** Where the base64 text is in the body: [start, end) between its quotes. */
    record Range(int start, int end) {
        CharSequence view(byte[] body) {
            return new AsciiView(body, start, end - start);
        }
    }

    /**
     * The range of data.messageMedia.data when it is a large string without escapes, else null (parse as usual).
     */
    static Range locate(ObjectMapper mapper, byte[] body) throws IOException {
        if (body.length < THRESHOLD) {
            return null;
        }
        try (JsonParser p = mapper.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            // root -> "data" -> "messageMedia" -> "data"
            String[] path = {"data", "messageMedia", "data"};
            int depth = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals(path[depth])) {
                    if (depth == path.length - 1) {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        int start = (int) p.currentTokenLocation().getByteOffset() + 1;
                        int end = start;
                        while (end < body.length && body[end] != '"') {
                            if (body[end] == '\\') {
                                return null; // escaped content: let Jackson decode it
                            }
                            end++;
                        }
                        return end - start >= THRESHOLD ? new Range(start, end) : null;
                    }
                    if (value != JsonToken.START_OBJECT) {
                        return null;
                    }
                    depth++;
                } else {
                    p.skipChildren();
                }
            }
            return null;
        }
    }

    /** Parses the body into a tree that lacks data.messageMedia.data (the located string). */
    static JsonNode readWithout(ObjectMapper mapper, byte[] body) throws IOException {
        try (JsonParser p = new FilteringParserDelegate(mapper.createParser(body), new Path(0),
                TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true)) {
            return mapper.readTree(p);
        }
    }

    /** Includes everything but the value at root.data.messageMedia.data. */
    private static final class Path extends TokenFilter {
        private static final String[] NAMES = {"data", "messageMedia", "data"};
        private final int depth;

        Path(int depth) {
            this.depth = depth;
        }

        @Override
        public TokenFilter includeProperty(String name) {
            if (!NAMES[depth].equals(name)) {
                return TokenFilter.INCLUDE_ALL;
            }
            return depth == NAMES.length - 1 ? null : new Path(depth + 1);
        }

        @Override
        public TokenFilter includeElement(int index) {
            return TokenFilter.INCLUDE_ALL;
        }
    }

    /** ASCII bytes seen as characters, without a copy. */
    record AsciiView(byte[] bytes, int offset, int length) implements CharSequence {
        @Override
        public char charAt(int index) {
            return (char) (bytes[offset + index] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new AsciiView(bytes, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(bytes, offset, length, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
