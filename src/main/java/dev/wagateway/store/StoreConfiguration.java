package dev.wagateway.store;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.sql.DefaultSqlEndpoint;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The store's beans: the SQL catalog, the outbox and its instance lock, dead letters, media files and the
 * housekeeping jobs. The archive's writers are intake's (they take the webhook's repeat rules).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({StoreProperties.class, MediaProperties.class, RetentionProperties.class})
class StoreConfiguration {

    @Bean
    SqlCatalog sqlCatalog() {
        return new SqlCatalog();
    }

    /** Every camel-sql endpoint of the routes parses its named parameters once (see NamedParameterCache). */
    @Bean
    CamelContextConfiguration sqlNamedParameterCache() {
        NamedParameterCache cache = new NamedParameterCache();
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                context.getCamelContextExtension().registerEndpointCallback((uri, endpoint) -> {
                    // An endpoint given its own strategy in its URI keeps it.
                    if (endpoint instanceof DefaultSqlEndpoint sql && sql.getPrepareStatementStrategy() == null) {
                        sql.setPrepareStatementStrategy(cache);
                    }
                    return endpoint;
                });
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
            }
        };
    }

    /**
     * This instance's id for the outbox's leases, and on PostgreSQL the advisory lock that tells the other instances
     * it is alive, on a connection of its own opened like the pool's (same URL, credentials and timeouts), never one
     * of the pool's. Closed after the outbox workers have handed their lanes back.
     */
    @Bean(destroyMethod = "close")
    InstanceLock instanceLock(DataSource dataSource, SqlCatalog sql, StoreProperties store) throws SQLException {
        if (!store.onPostgres()) {
            return InstanceLock.embedded();
        }
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        return InstanceLock.postgres(() -> {
            Properties props = new Properties();
            props.putAll(pool.getDataSourceProperties());
            if (pool.getUsername() != null) {
                props.setProperty("user", pool.getUsername());
            }
            if (pool.getPassword() != null) {
                props.setProperty("password", pool.getPassword());
            }
            props.setProperty("ApplicationName", "wagateway instance lock");
            return DriverManager.getConnection(pool.getJdbcUrl(), props);
        }, sql);
    }

    /** Which outputs an event is owed to is the outputs package's to say (it calls routeEventsWith). */
    @Bean
    Outbox outbox(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, DeadLetters deadLetters,
            InstanceLock instanceLock, StoreProperties store) {
        return new Outbox(jdbc, tx, sql, deadLetters, instanceLock, store.getSqlDialect());
    }

    @Bean
    OutputHealth outputHealth(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql) {
        return new OutputHealth(jdbc, tx, sql);
    }

    @Bean
    DeadLetters deadLetters(JdbcTemplate jdbc, SqlCatalog sql) {
        return new DeadLetters(jdbc, sql);
    }

    @Bean
    MediaStore mediaStore(MediaProperties media) {
        return new MediaStore(Path.of(media.getDir()));
    }

    @Bean
    JobLock jobLock(DataSource dataSource, SqlCatalog sql, StoreProperties store) {
        return new JobLock(dataSource, sql, store.onPostgres());
    }

    @Bean
    ArchivePartitions archivePartitions(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql, StoreProperties store,
            RetentionProperties retention, JobLock lock) {
        return new ArchivePartitions(jdbc, tx, sql, store.onPostgres(), retention.getPartitionsAhead(), Clock.systemUTC(),
                lock);
    }

    @Bean
    ArchiveRetention archiveRetention(JdbcTemplate jdbc, TransactionTemplate tx, SqlCatalog sql,
            RetentionProperties retention, JobLock lock, ArchivePartitions partitions) {
        return new ArchiveRetention(jdbc, tx, sql, retention.getArchiveDays(), retention.getBatchSize(), Clock.systemUTC(),
                lock, partitions);
    }

    @Bean
    TableVacuum tableVacuum(JdbcTemplate jdbc, SqlCatalog sql, StoreProperties store, RetentionProperties retention,
            JobLock lock) {
        return new TableVacuum(jdbc, sql, store.onPostgres(), retention.getVacuumDeadRows(),
                retention.getAnalyzeMinRows(), lock);
    }
}
