package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.PostgresGatewayTest;

/**
 * The outbox's dead rows are vacuumed by the gateway's own scheduled route (routes/housekeeping.yaml), whatever the
 * server's autovacuum does (off on the machine this was written on: without the route they stayed).
 */
@TestPropertySource(properties = "gateway.retention.vacuum-interval=1s")
class TableVacuumIT extends PostgresGatewayTest {

    @Test
    void deliveredRowsOfTheOutboxAreVacuumedAway() {
        // 1,500 deliveries owed to an output nobody configured (no worker touches them), then taken away: dead rows
        OffsetDateTime now = OffsetDateTime.now();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            rows.add(new Object[] {"vacuum-test", "vac", UUID.randomUUID(), now});
        }
        long vacuumsBefore = vacuumCount();
        jdbc.batchUpdate("INSERT INTO wa_outbox (output, session_id, event_id, attempts, created_at) VALUES (?, ?, ?, 0, ?)", rows);
        jdbc.update("DELETE FROM wa_outbox WHERE output = 'vacuum-test'");

        // vacuum_count counts VACUUM commands (the gateway's); the server's own runs count in autovacuum_count
        Await.until(Duration.ofSeconds(20), () -> vacuumCount() > vacuumsBefore, "the outbox vacuumed by the gateway");
        Await.until(Duration.ofSeconds(5), () -> deadRows() == 0, "no dead row left");
        assertThat(count("wa_outbox")).isZero();
    }

    private long vacuumCount() {
        return jdbc.queryForObject("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'wa_outbox'", Long.class);
    }

    private long deadRows() {
        return jdbc.queryForObject("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'wa_outbox'", Long.class);
    }
}
