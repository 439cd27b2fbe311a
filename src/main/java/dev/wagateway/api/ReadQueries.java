package dev.wagateway.api;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import dev.wagateway.shared.EventIds;
import dev.wagateway.store.SqlCatalog;

/**
 * The read API's SQL: a named base statement from sql/api/ plus the optional filters a request names, so each
 * query carries only the conditions it needs and stays on an index (ReadQueriesPlanIT checks the plans).
 */
class ReadQueries {

    /** A statement and its positional arguments. */
    public record Query(String sql, List<Object> args) {
    }

    public record Page(int limit, int offset) {
    }

    private final SqlCatalog sql;

    public ReadQueries(SqlCatalog sql) {
        this.sql = sql;
    }

    public Query sessions(Page page) {
        return new Query(sql.get("api/sessions") + " ORDER BY s.updated_at DESC, s.session_id LIMIT ? OFFSET ?",
                List.of(page.limit(), page.offset()));
    }

    public Query session(String sessionId) {
        return new Query(sql.get("api/sessions") + " WHERE s.session_id = ?", List.of(sessionId));
    }

    public Query sessionQr(String sessionId) {
        return new Query(sql.get("api/session-qr"), List.of(sessionId));
    }

    public Query messages(String sessionId, String chat, Boolean fromMe, Long sinceEpochSeconds, Page page) {
        StringBuilder q = new StringBuilder(sql.get("api/messages")).append(" WHERE m.session_id = ?");
        List<Object> args = new ArrayList<>(List.of(sessionId));
        if (chat != null) {
            q.append(" AND m.chat_id = ?");
            args.add(chat);
        }
        if (fromMe != null) {
            q.append(" AND m.from_me = ?");
            args.add(fromMe);
        }
        if (sinceEpochSeconds != null) {
            q.append(" AND m.msg_timestamp >= ?");
            args.add(sinceEpochSeconds);
        }
        q.append(" ORDER BY m.msg_timestamp DESC, m.message_id DESC LIMIT ? OFFSET ?");
        args.add(page.limit());
        args.add(page.offset());
        return new Query(q.toString(), args);
    }

    public Query message(String messageId) {
        return new Query(sql.get("api/messages") + " WHERE m.message_id = ? ORDER BY m.updated_at DESC", List.of(messageId));
    }

    public Query media(String sha256) {
        return new Query(sql.get("api/media"), List.of(sha256));
    }

    public Query events(String sessionId, String event, String status, OffsetDateTime since, Page page) {
        return events(sessionId, event, status, null, since, null, page);
    }

    /**
     * The archive filtered by any of session, event, status, source and received time [since, until). The page's
     * keys are found first, from the index alone (each filter's index ends with received_at and event_id, V18),
     * and only those rows are read: in one statement PostgreSQL prices the newest-first received_at index as
     * cheaper for a value it thinks common, and walks every row since that value was last seen (209 ms at 5 M
     * events for {@code event=call} when the recent traffic had none). ReadQueriesPlanIT keeps that shape.
     */
    public Query events(String sessionId, String event, String status, String source, OffsetDateTime since,
            OffsetDateTime until, Page page) {
        StringBuilder keys = new StringBuilder("SELECT k.event_id, k.received_at FROM wa_events k");
        List<Object> args = new ArrayList<>();
        String glue = " WHERE ";
        if (source != null) {
            keys.append(glue).append("k.source = ?");
            args.add(source);
            glue = " AND ";
        }
        if (sessionId != null) {
            keys.append(glue).append("k.session_id = ?");
            args.add(sessionId);
            glue = " AND ";
        }
        if (event != null) {
            keys.append(glue).append("k.event = ?");
            args.add(event);
            glue = " AND ";
        }
        if (status != null) {
            keys.append(glue).append("k.status = ?");
            args.add(status);
            glue = " AND ";
        }
        if (since != null) {
            keys.append(glue).append("k.received_at >= ?");
            args.add(since);
            glue = " AND ";
        }
        if (until != null) {
            keys.append(glue).append("k.received_at < ?");
            args.add(until);
        }
        keys.append(" ORDER BY k.received_at DESC, k.event_id DESC LIMIT ? OFFSET ?");
        args.add(page.limit());
        args.add(page.offset());
        String q = sql.get("api/events") + " JOIN (" + keys + ") page ON page.event_id = e.event_id"
                + " AND page.received_at = e.received_at ORDER BY e.received_at DESC, e.event_id DESC";
        return new Query(q, args);
    }

    /** Events per minute and type since a time, oldest minute first. */
    public Query throughput(OffsetDateTime since) {
        return new Query(sql.get("api/throughput"), List.of(since));
    }

    /** {@code eventId}: a UUID (ApiSupport.uuid checked it), bound as the uuid column takes it. */
    public Query event(String eventId) {
        return new Query(sql.get("api/event"), List.of(EventIds.uuid(eventId)));
    }
}
