package dev.wagateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.PostgresGatewayTest;

/** Every connection of the pool carries the socket and statement timeouts, on the real PostgreSQL server. */
@TestPropertySource(properties = {"gateway.database.socket-timeout=45s", "gateway.database.statement-timeout=7s"})
class DatabaseTimeoutsIT extends PostgresGatewayTest {

    @Autowired
    DataSource dataSource;

    @Test
    void poolConnectionsHaveBothTimeouts() throws Exception {
        assertThat(jdbc.queryForObject("SHOW statement_timeout", String.class)).isEqualTo("7s");
        try (Connection connection = dataSource.getConnection()) {
            assertThat(connection.getNetworkTimeout()).as("socket timeout, ms").isEqualTo(45_000);
        }
    }

    @Test
    void aStatementOverTheTimeoutFailsInsteadOfHanging() {
        long start = System.nanoTime();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.execute("SELECT pg_sleep(30)"))
                .hasMessageContaining("statement timeout");
        assertThat(System.nanoTime() - start).isLessThan(20_000_000_000L);
    }
}
