package dev.wagateway.api;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;

import dev.wagateway.outputs.DeadLetterReplayer;
import dev.wagateway.store.DeadLetters;

/** The admin API over dead letters: list them, replay one, replay many (routes/api.yaml). */
class DeadLetterApi {

    private final DeadLetters deadLetters;
    private final DeadLetterReplayer replayer;
    private final int defaultPageSize;
    private final int maxPageSize;

    public DeadLetterApi(DeadLetters deadLetters, DeadLetterReplayer replayer, int defaultPageSize, int maxPageSize) {
        this.deadLetters = deadLetters;
        this.replayer = replayer;
        this.defaultPageSize = defaultPageSize;
        this.maxPageSize = maxPageSize;
    }

    /** GET dead-letters?output=&status=: newest first. */
    public void list(Exchange exchange) {
        ReadQueries.Page page = ApiSupport.page(exchange, defaultPageSize, maxPageSize);
        List<Map<String, Object>> rows = deadLetters.list(ApiSupport.optional(exchange, "output"),
                ApiSupport.optional(exchange, "status"), page.limit(), page.offset());
        ArrayNode items = ApiSupport.mapper.createArrayNode();
        rows.forEach(row -> items.add(ApiSupport.toJson(row)));
        ApiSupport.writePage(exchange, items, page);
    }

    /** POST dead-letters/{id}/replay: 200 when delivered, 502 when the output failed again. */
    public void replay(Exchange exchange) {
        DeadLetterReplayer.Outcome outcome = replayer.replay(ApiSupport.uuid(exchange, "deadLetterId", "invalid_dead_letter_id"));
        if (outcome == null) {
            throw ApiError.notFound("dead_letter_not_found", "no such dead letter");
        }
        ObjectNode body = ApiSupport.mapper.createObjectNode()
                .put("success", outcome.delivered()).put("id", outcome.id()).put("status", outcome.status());
        if (!outcome.delivered()) {
            body.put("error", "replay_failed").put("message", "the output failed again; the dead letter stays pending");
        }
        ApiSupport.writeJson(exchange, outcome.delivered() ? 200 : 502, body);
    }

    /** POST dead-letters/replay?output=&from=&to=&limit=: the pending ones, oldest first. */
    public void replayBulk(Exchange exchange) {
        OffsetDateTime from = ApiSupport.instant(exchange, "from");
        OffsetDateTime to = ApiSupport.instant(exchange, "to");
        int limit = ApiSupport.page(exchange, defaultPageSize, maxPageSize).limit();
        DeadLetterReplayer.Summary summary = replayer.replayPending(ApiSupport.optional(exchange, "output"), from, to, limit);
        ApiSupport.writeJson(exchange, 200, ApiSupport.mapper.createObjectNode().put("success", summary.failed() == 0)
                .put("attempted", summary.attempted()).put("delivered", summary.delivered()).put("failed", summary.failed()));
    }
}
