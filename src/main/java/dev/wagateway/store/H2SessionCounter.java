package dev.wagateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

import org.h2.api.Trigger;

/**
 * On the embedded H2 database, what PostgreSQL's V11 trigger functions do: each row really inserted into
 * wa_messages or wa_calls raises its session's message_count or call_count (db/migration/h2/V11). H2 calls an
 * AFTER INSERT row trigger only for rows it inserted, not for a MERGE that updated nor an insert it skipped on
 * a conflict (EmbeddedDatabaseIT checks both).
 */
public class H2SessionCounter implements Trigger {

    private String update;
    private int sessionColumn;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        String counter = switch (tableName.toUpperCase(Locale.ROOT)) {
            case "WA_MESSAGES" -> "message_count";
            case "WA_CALLS" -> "call_count";
            default -> throw new SQLException("H2SessionCounter counts wa_messages and wa_calls, not " + tableName);
        };
        update = "UPDATE wa_sessions SET " + counter + " = " + counter + " + 1 WHERE session_id = ?";
        // The row arrives as an array in column order: find session_id by name, not by its place in V2.
        sessionColumn = -1;
        try (ResultSet columns = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
            while (columns.next()) {
                if ("session_id".equalsIgnoreCase(columns.getString("COLUMN_NAME"))) {
                    sessionColumn = columns.getInt("ORDINAL_POSITION") - 1;
                }
            }
        }
        if (sessionColumn < 0) {
            throw new SQLException(tableName + " has no session_id column");
        }
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        try (PreparedStatement statement = conn.prepareStatement(update)) {
            statement.setObject(1, newRow[sessionColumn]);
            statement.executeUpdate();
        }
    }
}
