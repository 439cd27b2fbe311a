package dev.wagateway.config;

import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Socket and statement timeouts on every PostgreSQL connection of the pool, so a database that hangs (a network
 * partition, a stuck lock) never holds an archive writer, an outbox worker or a request thread for ever: the
 * statement fails, the caller answers 503 or retries later, and the thread is free again. Set on the pool before
 * its first connection; a value already in the JDBC URL or the pool's properties is kept. (The embedded H2 is a
 * file in this process: nothing to time out.) A migration that may run longer than the statement timeout (an
 * index on a large table) starts with {@code SET LOCAL statement_timeout = 0}: Flyway runs it in a transaction.
 */
final class DatabaseTimeouts implements BeanPostProcessor {

    private final Duration socketTimeout;
    private final Duration statementTimeout;

    public DatabaseTimeouts(Duration socketTimeout, Duration statementTimeout) {
        if (!statementTimeout.isZero() && !socketTimeout.isZero() && socketTimeout.compareTo(statementTimeout) <= 0) {
            // The server ends a long statement with a clear error; a socket timeout first would leave it running.
            throw new IllegalArgumentException("DB_SOCKET_TIMEOUT must be longer than DB_STATEMENT_TIMEOUT");
        }
        this.socketTimeout = socketTimeout;
        this.statementTimeout = statementTimeout;
    }

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith("jdbc:postgresql:")) {
            String url = pool.getJdbcUrl();
            if (!socketTimeout.isZero() && !url.contains("socketTimeout=")
                    && !pool.getDataSourceProperties().containsKey("socketTimeout")) {
                pool.addDataSourceProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
            }
            if (!statementTimeout.isZero() && !url.contains("options=")
                    && !pool.getDataSourceProperties().containsKey("options")) {
                pool.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
            }
        }
        return bean;
    }
}
