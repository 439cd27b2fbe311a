package dev.wagateway.api;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.shared.HttpReply;

/** What every admin API answer shares: rows as camelCase JSON, paging, parameters, errors. */
final class ApiSupport {

    static final ObjectMapper mapper = new ObjectMapper();

    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private ApiSupport() {
    }

    static ArrayNode run(JdbcTemplate jdbc, ReadQueries.Query query) {
        ArrayNode items = mapper.createArrayNode();
        for (Map<String, Object> row : jdbc.queryForList(query.sql(), query.args().toArray())) {
            items.add(toJson(row));
        }
        return items;
    }

    /** Column labels as JSON field names: a handful of columns, read on every row of every page. */
    private static final Map<String, String> FIELD_NAMES = new ConcurrentHashMap<>();

    static ObjectNode toJson(Map<String, Object> row) {
        ObjectNode node = mapper.createObjectNode();
        row.forEach((column, value) -> {
            String name = FIELD_NAMES.computeIfAbsent(column, ApiSupport::camel);
            if (column.equalsIgnoreCase("data_json")) {
                node.set("data", parse((String) value));
            } else if (column.equalsIgnoreCase("media_sha256") && value != null) {
                node.put("mediaSha256", (String) value).put("mediaUrl", "/api/whatsapp/media/" + value);
            } else if (value instanceof java.util.UUID id) {
                // Event and dead-letter ids (uuid columns since V19): the canonical text the API has always given.
                node.put(name, id.toString());
            } else if (value == null) {
                node.putNull(name);
            } else if (value instanceof String text) {
                node.put(name, text);
            } else if (value instanceof Timestamp || value instanceof OffsetDateTime) {
                node.put(name, iso(value));
            } else if (value instanceof Long n) {
                node.put(name, n);
            } else if (value instanceof Integer n) {
                node.put(name, n);
            } else if (value instanceof Boolean b) {
                node.put(name, b);
            } else {
                // Anything else (NUMERIC, arrays) as Jackson writes it: a tree round trip per value, too slow for
                // the common column types above (a 1440-minute throughput page has ~26,000 values).
                node.set(name, mapper.valueToTree(value));
            }
        });
        return node;
    }

    static JsonNode parse(String json) {
        try {
            return json == null ? null : mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }

    static ObjectNode one(ArrayNode rows, String code, String message) {
        if (rows.isEmpty()) {
            throw ApiError.notFound(code, message);
        }
        return (ObjectNode) rows.get(0);
    }

    static void writePage(Exchange exchange, ArrayNode items, ReadQueries.Page page) {
        ObjectNode body = mapper.createObjectNode();
        body.set("items", items);
        body.put("limit", page.limit()).put("offset", page.offset());
        if (items.size() == page.limit()) {
            body.put("nextOffset", page.offset() + page.limit());
        } else {
            body.putNull("nextOffset");
        }
        writeJson(exchange, 200, body);
    }

    static void writeJson(Exchange exchange, int status, JsonNode body) {
        HttpReply.reset(exchange, status, "application/json", Map.of("Cache-Control", "no-store")).setBody(bytes(body));
    }

    static byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ReadQueries.Page page(Exchange exchange, int defaultPageSize, int maxPageSize) {
        int limit = integer(exchange, "limit", defaultPageSize);
        int offset = integer(exchange, "offset", 0);
        if (limit < 1 || limit > maxPageSize) {
            throw ApiError.badParameter("limit must be between 1 and " + maxPageSize);
        }
        if (offset < 0 || offset > 1_000_000) {
            throw ApiError.badParameter("offset must be between 0 and 1000000");
        }
        return new ReadQueries.Page(limit, offset);
    }

    /**
     * A {@code {name}} of the route's path, already percent-decoded once for every route (intake.PathParameters: a
     * client sends {@code true_1%40c.us_AB}, this reads {@code true_1@c.us_AB}); blank or over 255 characters is a
     * 400 {@code code}.
     */
    static String pathParameter(Exchange exchange, String name, String code) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank() || value.length() > 255) {
            throw new ApiError(400, code, name + " is missing or longer than 255 characters");
        }
        return value;
    }

    /** {@code {sessionId}}: SPEC.md's session id, else 400 {@code invalid_session_id}. */
    static String sessionId(Exchange exchange) {
        return matching(exchange, "sessionId", "invalid_session_id", SESSION_ID, "^[A-Za-z0-9_-]{1,64}$");
    }

    /**
     * {@code {eventId}} or {@code {deadLetterId}}: ids the gateway assigns are UUIDs, else 400 {@code code} (so no
     * other text reaches a uuid column); returned lower-case, the form the gateway gives them in.
     */
    static String uuid(Exchange exchange, String name, String code) {
        return matching(exchange, name, code, UUID, "a UUID").toLowerCase(Locale.ROOT);
    }

    /** {@code {sha256}}: 64 hex digits, returned lower-case as media files are named, else 400 {@code invalid_sha256}. */
    static String sha256(Exchange exchange) {
        return matching(exchange, "sha256", "invalid_sha256", SHA256, "64 hex digits").toLowerCase(Locale.ROOT);
    }

    private static String matching(Exchange exchange, String name, String code, Pattern pattern, String shape) {
        String value = pathParameter(exchange, name, code);
        if (!pattern.matcher(value).matches()) {
            throw new ApiError(400, code, name + " must be " + shape);
        }
        return value;
    }

    static String optional(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > 255) {
            throw ApiError.badParameter(name + " is too long");
        }
        return value;
    }

    static int integer(Exchange exchange, String name, int fallback) {
        String value = optional(exchange, name);
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badParameter(name + " must be a whole number");
        }
    }

    static Boolean bool(Exchange exchange, String name) {
        String value = optional(exchange, name);
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> Boolean.TRUE;
            case "false", "0", "no" -> Boolean.FALSE;
            default -> throw ApiError.badParameter(name + " must be true or false");
        };
    }

    /** {@code since} as an ISO-8601 instant ({@code 2026-11-28T10:00:00Z}) or epoch seconds. */
    static OffsetDateTime instant(Exchange exchange, String name) {
        String value = optional(exchange, name);
        if (value == null) {
            return null;
        }
        try {
            return value.chars().allMatch(Character::isDigit)
                    ? OffsetDateTime.ofInstant(Instant.ofEpochSecond(Long.parseLong(value)), ZoneOffset.UTC)
                    : OffsetDateTime.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw ApiError.badParameter(name + " must be an ISO-8601 time (2026-11-28T10:00:00Z) or epoch seconds");
        }
    }

    static Long epochSeconds(Exchange exchange, String name) {
        OffsetDateTime since = instant(exchange, name);
        return since == null ? null : since.toEpochSecond();
    }

    static String iso(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant().toString();
        }
        return value == null ? null : value.toString();
    }

    static String camel(String column) {
        String lower = column.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : lower.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
