package dev.wagateway.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The settings config itself reads: where the database and the routes come from. Every other {@code gateway.*}
 * setting is declared by the package that uses it (security.SecurityProperties, intake.IntakeProperties,
 * outputs.Outputs, ...); environment-aliases.properties maps the contract's environment variables onto these names.
 */
@ConfigurationProperties(prefix = "gateway")
public class GatewayProperties {

    private final Database database = new Database();
    /**
     * DATABASE_URL: postgresql://user:pass@host:port/db[?params], postgres://... or any jdbc: URL; unset = an H2 file
     * under data-dir. Read before the context starts (GatewayEnvironment derives spring.datasource.* from it).
     */
    private String databaseUrl;
    /** DATA_DIR: where the embedded database lives when DATABASE_URL is unset. Read by GatewayEnvironment. */
    private String dataDir = "./data";
    /** ROUTES_DIR: where the YAML routes are read from; unset = ./routes if present, else the packaged set. */
    private String routesDir;
    /** ROUTES_RELOAD: apply edits of the routes directory without a restart (config.RouteReloader). */
    private boolean routesReload;
    /** ROUTES_RELOAD_INTERVAL: how often the routes directory is checked for changes. */
    private Duration routesReloadInterval = Duration.ofSeconds(1);

    public Database getDatabase() { return database; }
    public String getDatabaseUrl() { return databaseUrl; }
    public void setDatabaseUrl(String databaseUrl) { this.databaseUrl = databaseUrl; }
    public String getDataDir() { return dataDir; }
    public void setDataDir(String dataDir) { this.dataDir = dataDir; }
    public String getRoutesDir() { return routesDir; }
    public void setRoutesDir(String routesDir) { this.routesDir = routesDir; }
    public boolean isRoutesReload() { return routesReload; }
    public void setRoutesReload(boolean routesReload) { this.routesReload = routesReload; }
    public Duration getRoutesReloadInterval() { return routesReloadInterval; }
    public void setRoutesReloadInterval(Duration routesReloadInterval) { this.routesReloadInterval = routesReloadInterval; }

    /**
     * PostgreSQL only: a hanging database fails a statement after these instead of holding a thread for ever
     * (config.DatabaseTimeouts). 0 = none.
     */
    public static class Database {
        /** DB_SOCKET_TIMEOUT: a connection that hears nothing back for this long fails; longer than the statement timeout. */
        private Duration socketTimeout = Duration.ofSeconds(30);
        /** DB_STATEMENT_TIMEOUT: a statement running longer fails (statement_timeout on every connection). */
        private Duration statementTimeout = Duration.ofSeconds(20);

        public Duration getSocketTimeout() { return socketTimeout; }
        public void setSocketTimeout(Duration socketTimeout) { this.socketTimeout = socketTimeout; }
        public Duration getStatementTimeout() { return statementTimeout; }
        public void setStatementTimeout(Duration statementTimeout) { this.statementTimeout = statementTimeout; }
    }
}
