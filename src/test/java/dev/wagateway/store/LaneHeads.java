package dev.wagateway.store;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** The outbox workers' read of a lane's head (PostgreSQL's statement) for one lane, as the migration tests check it. */
final class LaneHeads {

    private LaneHeads() {
    }

    static <T> List<T> read(JdbcTemplate jdbc, SqlCatalog sql, String output, String session, int max, RowMapper<T> row) {
        return jdbc.query(sql.get("postgresql/outbox/lanes-deliveries"),
                Outbox.lanesDeliveriesParameters(output, List.of(session), null, max), row);
    }
}
