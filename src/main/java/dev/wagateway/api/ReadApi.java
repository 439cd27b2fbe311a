package dev.wagateway.api;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.wagateway.config.GatewayProperties;
import dev.wagateway.config.HttpReply;
import dev.wagateway.store.MediaStore;

/**
 * The read API behind routes/api.yaml: sessions, their QR (as text and as a scannable PNG), messages, media
 * files and the event archive, as JSON, paged ({@code limit}, {@code offset}), newest first.
 */
public class ReadApi {

    private static final Logger log = LoggerFactory.getLogger(ReadApi.class);

    private final JdbcTemplate jdbc;
    private final ReadQueries queries;
    private final QrRenderer qr;
    private final MediaStore media;
    private final int defaultPageSize;
    private final int maxPageSize;
    private final ObjectMapper mapper = new ObjectMapper();

    public ReadApi(JdbcTemplate jdbc, ReadQueries queries, QrRenderer qr, MediaStore media, GatewayProperties properties) {
        this.jdbc = jdbc;
        this.queries = queries;
        this.qr = qr;
        this.media = media;
        this.defaultPageSize = properties.getApi().getDefaultPageSize();
        this.maxPageSize = properties.getApi().getMaxPageSize();
    }

    public void sessions(Exchange exchange) {
        ReadQueries.Page page = page(exchange);
        writePage(exchange, run(queries.sessions(page)), page);
    }

    public void session(Exchange exchange) {
        writeJson(exchange, 200, one(run(queries.session(param(exchange, "sessionId"))), "session_not_found", "no such session"));
    }

    public void sessionQr(Exchange exchange) {
        Map<String, Object> row = pendingQr(exchange);
        writeJson(exchange, 200, mapper.createObjectNode().put("sessionId", (String) row.get("session_id"))
                .put("qr", (String) row.get("qr")).put("qrAt", iso(row.get("qr_at"))));
    }

    public void sessionQrPng(Exchange exchange) {
        byte[] png = qr.png((String) pendingQr(exchange).get("qr"));
        HttpReply.reset(exchange, 200, "image/png", Map.of("Cache-Control", "no-store")).setBody(png);
    }

    public void sessionMessages(Exchange exchange) {
        String session = param(exchange, "sessionId");
        ReadQueries.Page page = page(exchange);
        writePage(exchange, run(queries.messages(session, optional(exchange, "chat"), bool(exchange, "fromMe"),
                epochSeconds(exchange, "since"), page)), page);
    }

    public void message(Exchange exchange) {
        writeJson(exchange, 200, one(run(queries.message(param(exchange, "messageId"))), "message_not_found", "no such message"));
    }

    public void mediaFile(Exchange exchange) throws IOException {
        String sha256 = param(exchange, "sha256").toLowerCase(Locale.ROOT);
        List<Map<String, Object>> rows = jdbc.queryForList(queries.media(sha256).sql(), queries.media(sha256).args().toArray());
        Path file = media.find(sha256).orElse(null);
        if (rows.isEmpty() || file == null) {
            throw ApiError.notFound("media_not_found", "no such media file");
        }
        String mimetype = (String) rows.get(0).get("mimetype");
        // Served as a download: a stored text/html must never render in the gateway's origin.
        HttpReply.reset(exchange, 200, mimetype == null ? "application/octet-stream" : mimetype, Map.of(
                "Content-Disposition", "attachment; filename=\"" + sha256 + "\"",
                "X-Content-Type-Options", "nosniff",
                "Content-Length", Long.toString(java.nio.file.Files.size(file)))).setBody(file.toFile());
    }

    public void events(Exchange exchange) {
        ReadQueries.Page page = page(exchange);
        OffsetDateTime since = instant(exchange, "since");
        writePage(exchange, run(queries.events(optional(exchange, "session"), optional(exchange, "event"),
                optional(exchange, "status"), since, page)), page);
    }

    public void event(Exchange exchange) {
        writeJson(exchange, 200, one(run(queries.event(param(exchange, "eventId"))), "event_not_found", "no such event"));
    }

    public void error(Exchange exchange) {
        ApiError error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiError.class);
        HttpReply.reset(exchange, error.status(), "application/json", error.headers());
        exchange.getMessage().setBody(bytes(errorBody(error.code(), error.getMessage())));
    }

    public void internalError(Exchange exchange) {
        log.error("read API request failed", exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        HttpReply.reset(exchange, 500, "application/json", Map.of());
        exchange.getMessage().setBody(bytes(errorBody("internal_error", "the gateway could not answer this request")));
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private Map<String, Object> pendingQr(Exchange exchange) {
        List<Map<String, Object>> rows = jdbc.queryForList(queries.sessionQr(param(exchange, "sessionId")).sql(),
                param(exchange, "sessionId"));
        if (rows.isEmpty() || rows.get(0).get("qr") == null || !"qr_pending".equals(rows.get(0).get("status"))) {
            throw ApiError.notFound("no_pending_qr", "this session has no QR waiting to be scanned");
        }
        return rows.get(0);
    }

    private ArrayNode run(ReadQueries.Query query) {
        ArrayNode items = mapper.createArrayNode();
        for (Map<String, Object> row : jdbc.queryForList(query.sql(), query.args().toArray())) {
            items.add(toJson(row));
        }
        return items;
    }

    private ObjectNode toJson(Map<String, Object> row) {
        ObjectNode node = mapper.createObjectNode();
        row.forEach((column, value) -> {
            if (column.equalsIgnoreCase("data_json")) {
                node.set("data", parse((String) value));
            } else if (column.equalsIgnoreCase("media_sha256") && value != null) {
                node.put("mediaSha256", (String) value).put("mediaUrl", "/api/whatsapp/media/" + value);
            } else {
                node.set(camel(column), mapper.valueToTree(value instanceof Timestamp || value instanceof OffsetDateTime ? iso(value) : value));
            }
        });
        return node;
    }

    private JsonNode parse(String json) {
        try {
            return json == null ? null : mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }

    private static ObjectNode one(ArrayNode rows, String code, String message) {
        if (rows.isEmpty()) {
            throw ApiError.notFound(code, message);
        }
        return (ObjectNode) rows.get(0);
    }

    private void writePage(Exchange exchange, ArrayNode items, ReadQueries.Page page) {
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

    private void writeJson(Exchange exchange, int status, JsonNode body) {
        HttpReply.reset(exchange, status, "application/json", Map.of("Cache-Control", "no-store")).setBody(bytes(body));
    }

    private ObjectNode errorBody(String code, String message) {
        return mapper.createObjectNode().put("success", false).put("error", code).put("message", message);
    }

    private byte[] bytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ReadQueries.Page page(Exchange exchange) {
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

    private static String param(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank() || value.length() > 255) {
            throw ApiError.badParameter(name + " is missing or too long");
        }
        return value;
    }

    private static String optional(Exchange exchange, String name) {
        String value = exchange.getMessage().getHeader(name, String.class);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > 255) {
            throw ApiError.badParameter(name + " is too long");
        }
        return value;
    }

    private static int integer(Exchange exchange, String name, int fallback) {
        String value = optional(exchange, name);
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.badParameter(name + " must be a whole number");
        }
    }

    private static Boolean bool(Exchange exchange, String name) {
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
    private static OffsetDateTime instant(Exchange exchange, String name) {
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

    private static Long epochSeconds(Exchange exchange, String name) {
        OffsetDateTime since = instant(exchange, name);
        return since == null ? null : since.toEpochSecond();
    }

    private static String iso(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant().toString();
        }
        return value == null ? null : value.toString();
    }

    private static String camel(String column) {
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
