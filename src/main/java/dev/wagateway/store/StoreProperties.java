package dev.wagateway.store;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Which database the store speaks to; the connection itself is config's (DATABASE_URL, GatewayEnvironment). */
@ConfigurationProperties(prefix = "gateway")
public class StoreProperties {
    /** Derived from the datasource, not set by hand: postgresql or h2, for dialect-specific SQL in routes and beans. */
    private String sqlDialect = "postgresql";

    public String getSqlDialect() { return sqlDialect; }
    public void setSqlDialect(String sqlDialect) { this.sqlDialect = sqlDialect; }

    /** True on PostgreSQL, false on the embedded H2. */
    public boolean onPostgres() { return "postgresql".equals(sqlDialect); }
}
