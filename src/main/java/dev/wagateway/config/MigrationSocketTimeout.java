package dev.wagateway.config;

import java.sql.Connection;
import java.sql.SQLException;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Lifts the pool's socket timeout ({@link DatabaseTimeouts}, DB_SOCKET_TIMEOUT) from the connection Flyway migrates
 * on, before each migration: a migration that rewrites the archive (V19: about 30 s per million events) is one
 * statement that may run for minutes, and a client that stops reading after 30 s fails the start and leaves the
 * server working on a rolled-back transaction. Such migrations lift the statement timeout themselves
 * ({@code SET LOCAL statement_timeout = 0}); the pool restores the connection's socket timeout when Flyway gives it
 * back, so nothing else runs without one.
 */
final class MigrationSocketTimeout implements Callback {

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Connection connection = context.getConnection();
        try {
            if (connection.getMetaData().getURL().startsWith("jdbc:postgresql:")) {
                connection.setNetworkTimeout(Runnable::run, 0);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not lift the socket timeout for a migration", e);
        }
    }

    @Override
    public String getCallbackName() {
        return "migration socket timeout";
    }
}
