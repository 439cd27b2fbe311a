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

import dev.wagateway.events.QrRenderer;
import dev.wagateway.shared.ErrorBody;
import dev.wagateway.shared.HttpReply;
import dev.wagateway.store.MediaStore;

/**
 * The read API behind routes/api.yaml: sessions, their QR (as text and as a scannable PNG), messages, media
 * files and the event archive, as JSON, paged ({@code limit}, {@code offset}), newest first.
 */
class ReadApi {

    private static final Logger log = LoggerFactory.getLogger(ReadApi.class);

    private final JdbcTemplate jdbc;
    private final ReadQueries queries;
    private final QrRenderer qr;
    private final MediaStore media;
    private final int defaultPageSize;
    private final int maxPageSize;

    private final List<String> sources;

    /** {@code sources}: the names an event's source can have (?source= accepts only those). */
    public ReadApi(JdbcTemplate jdbc, ReadQueries queries, QrRenderer qr, MediaStore media, int defaultPageSize,
            int maxPageSize, List<String> sources) {
        this.sources = List.copyOf(sources);
        this.jdbc = jdbc;
        this.queries = queries;
        this.qr = qr;
        this.media = media;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
    }

    public void sessions(Exchange exchange) {
        ReadQueries.Page page = ApiSupport.page(exchange, defaultPageSize, maxPageSize);
        ApiSupport.writePage(exchange, ApiSupport.run(jdbc, queries.sessions(page)), page);
    }

    public void session(Exchange exchange) {
        ApiSupport.writeJson(exchange, 200, ApiSupport.one(ApiSupport.run(jdbc, queries.session(ApiSupport.sessionId(exchange))), "session_not_found", "no such session"));
    }

    public void sessionQr(Exchange exchange) {
        Map<String, Object> row = pendingQr(exchange);
        ApiSupport.writeJson(exchange, 200, ApiSupport.mapper.createObjectNode().put("sessionId", (String) row.get("session_id"))
                .put("qr", (String) row.get("qr")).put("qrAt", ApiSupport.iso(row.get("qr_at"))));
    }

    public void sessionQrPng(Exchange exchange) {
        byte[] png = qr.png((String) pendingQr(exchange).get("qr"));
        HttpReply.reset(exchange, 200, "image/png", Map.of("Cache-Control", "no-store")).setBody(png);
    }

    public void sessionMessages(Exchange exchange) {
        String session = ApiSupport.sessionId(exchange);
        ReadQueries.Page page = ApiSupport.page(exchange, defaultPageSize, maxPageSize);
        ApiSupport.writePage(exchange, ApiSupport.run(jdbc, queries.messages(session, ApiSupport.optional(exchange, "chat"), ApiSupport.bool(exchange, "fromMe"),
                ApiSupport.epochSeconds(exchange, "since"), page)), page);
    }

    public void message(Exchange exchange) {
        ApiSupport.writeJson(exchange, 200, ApiSupport.one(ApiSupport.run(jdbc, queries.message(ApiSupport.pathParameter(exchange, "messageId", "invalid_message_id"))), "message_not_found", "no such message"));
    }

    public void mediaFile(Exchange exchange) throws IOException {
        String sha256 = ApiSupport.sha256(exchange);
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
        ReadQueries.Page page = ApiSupport.page(exchange, defaultPageSize, maxPageSize);
        OffsetDateTime since = ApiSupport.instant(exchange, "since");
        OffsetDateTime until = ApiSupport.instant(exchange, "until");
        ApiSupport.writePage(exchange, ApiSupport.run(jdbc, queries.events(ApiSupport.optional(exchange, "session"), ApiSupport.optional(exchange, "event"),
                ApiSupport.optional(exchange, "status"), source(exchange), since, until, page)), page);
    }

    /** ?source=: one of the sources an event can come from; another value is a client's mistake, not an empty page. */
    private String source(Exchange exchange) {
        String source = ApiSupport.optional(exchange, "source");
        if (source != null && !sources.contains(source)) {
            throw ApiError.badParameter("source must be one of " + String.join(", ", sources));
        }
        return source;
    }

    /** GET throughput?minutes=60: accepted events per minute and type, for the last 1 to 1440 minutes. */
    public void throughput(Exchange exchange) {
        int minutes = ApiSupport.integer(exchange, "minutes", 60);
        if (minutes < 1 || minutes > 1440) {
            throw ApiError.badParameter("minutes must be between 1 and 1440");
        }
        Instant now = Instant.now();
        OffsetDateTime from = OffsetDateTime.ofInstant(now.minusSeconds(60L * (minutes - 1)), ZoneOffset.UTC)
                .withSecond(0).withNano(0);
        ObjectNode body = ApiSupport.mapper.createObjectNode().put("from", from.toInstant().toString())
                .put("to", now.toString()).put("minutes", minutes);
        body.set("items", ApiSupport.run(jdbc, queries.throughput(from)));
        ApiSupport.writeJson(exchange, 200, body);
    }

    public void event(Exchange exchange) {
        ApiSupport.writeJson(exchange, 200, ApiSupport.one(ApiSupport.run(jdbc, queries.event(ApiSupport.uuid(exchange, "eventId", "invalid_event_id"))), "event_not_found", "no such event"));
    }

    public void error(Exchange exchange) {
        ApiError error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ApiError.class);
        HttpReply.reset(exchange, error.status(), "application/json", error.headers());
        exchange.getMessage().setBody(ErrorBody.bytes(error.code(), error.getMessage()));
    }

    public void internalError(Exchange exchange) {
        log.error("read API request failed", exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        HttpReply.reset(exchange, 500, "application/json", Map.of());
        exchange.getMessage().setBody(ErrorBody.bytes("internal_error", "the gateway could not answer this request"));
    }

    private Map<String, Object> pendingQr(Exchange exchange) {
        String sessionId = ApiSupport.sessionId(exchange);
        List<Map<String, Object>> rows = jdbc.queryForList(queries.sessionQr(sessionId).sql(), sessionId);
        if (rows.isEmpty() || rows.get(0).get("qr") == null || !"qr_pending".equals(rows.get(0).get("status"))) {
            throw ApiError.notFound("no_pending_qr", "this session has no QR waiting to be scanned");
        }
        return rows.get(0);
    }
}
