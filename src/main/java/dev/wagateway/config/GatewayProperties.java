package dev.wagateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.wagateway.outputs.Outputs;

/**
 * Every setting of the gateway, bound from {@code gateway.*}. application.yml maps the contract's
 * environment variables (WHATSAPP_WEBHOOK_SECRET, RATE_LIMIT_PER_MINUTE, ...) onto these names.
 */
@ConfigurationProperties(prefix = "gateway")
public class GatewayProperties {

    private final Security security = new Security();
    private final RateLimit rateLimit = new RateLimit();
    private final Intake intake = new Intake();
    private final Media media = new Media();
    private final Api api = new Api();
    private final Retention retention = new Retention();
    private final Archive archive = new Archive();
    @NestedConfigurationProperty
    private final Outputs outputs = new Outputs();
    private final Sources sources = new Sources();
    private final WhatsappServer whatsappServer = new WhatsappServer();
    private final Database database = new Database();
    private final Shutdown shutdown = new Shutdown();
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
    /** Derived from the datasource, not set by hand: postgresql or h2, for dialect-specific SQL in routes and beans. */
    private String sqlDialect = "postgresql";

    public Security getSecurity() { return security; }
    public RateLimit getRateLimit() { return rateLimit; }
    public Intake getIntake() { return intake; }
    public Media getMedia() { return media; }
    public Api getApi() { return api; }
    public Retention getRetention() { return retention; }
    public Archive getArchive() { return archive; }
    public Outputs getOutputs() { return outputs; }
    public Sources getSources() { return sources; }
    public WhatsappServer getWhatsappServer() { return whatsappServer; }
    public Database getDatabase() { return database; }
    public Shutdown getShutdown() { return shutdown; }
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
    public String getSqlDialect() { return sqlDialect; }
    public void setSqlDialect(String sqlDialect) { this.sqlDialect = sqlDialect; }

    /** True on PostgreSQL, false on the embedded H2. */
    public boolean onPostgres() { return "postgresql".equals(sqlDialect); }

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

    public static class Shutdown {
        /**
         * SHUTDOWN_DRAIN_DELAY: on SIGTERM, serve on this long with readiness DOWN before the web server stops taking
         * connections, for load balancers that only learn from health checks (config.ShutdownDrainDelay). 0 = at once.
         */
        private Duration drainDelay = Duration.ZERO;
        /**
         * SHUTDOWN_HAND_OVER: on an inherited socket (systemd), how long after SIGTERM every answer carries
         * Connection: close, so kept-alive clients reconnect into the backlog the next process serves.
         */
        private Duration handOver = Duration.ofSeconds(2);

        public Duration getHandOver() { return handOver; }
        public void setHandOver(Duration handOver) { this.handOver = handOver; }

        public Duration getDrainDelay() { return drainDelay; }
        public void setDrainDelay(Duration drainDelay) { this.drainDelay = drainDelay; }
    }

    /** The other WhatsApp servers' webhooks (routes/sources.yaml); a source with no setting is off (404). */
    public static class Sources {
        /**
         * SOURCES_REPEAT_WINDOW: how long a source's own id of an event (a wamid and status, ...) makes a redelivery
         * a duplicate. Longer than DEDUPE_WINDOW: Meta retries a delivery for up to 7 days, less and less often.
         */
        private Duration repeatWindow = Duration.ofHours(24);
        private final Cloud cloud = new Cloud();
        private final Waha waha = new Waha();
        private final Evolution evolution = new Evolution();

        public Duration getRepeatWindow() { return repeatWindow; }
        public void setRepeatWindow(Duration repeatWindow) { this.repeatWindow = repeatWindow; }
        public Cloud getCloud() { return cloud; }
        public Waha getWaha() { return waha; }
        public Evolution getEvolution() { return evolution; }

        public static class Cloud {
            /** CLOUD_API_VERIFY_TOKEN: the token Meta's subscription handshake (GET hub.verify_token) must carry. */
            private String verifyToken;
            /** CLOUD_API_APP_SECRET: the Meta app's secret; when set, POSTs must carry a valid X-Hub-Signature-256. */
            private String appSecret;

            public String getVerifyToken() { return verifyToken; }
            public void setVerifyToken(String verifyToken) { this.verifyToken = verifyToken; }
            public String getAppSecret() { return appSecret; }
            public void setAppSecret(String appSecret) { this.appSecret = appSecret; }
        }

        public static class Waha {
            /** WAHA_HMAC_KEY: the hmac key of WAHA's webhook; posts must carry its X-Webhook-Hmac. Unset = WAHA off. */
            private String hmacKey;

            public String getHmacKey() { return hmacKey; }
            public void setHmacKey(String hmacKey) { this.hmacKey = hmacKey; }
        }

        public static class Evolution {
            /**
             * EVOLUTION_API_KEY: the instance token(s) Evolution API sends as apikey, comma-separated (one per
             * instance when they differ). Unset = Evolution API off.
             */
            private List<String> apiKeys = new ArrayList<>();

            public List<String> getApiKeys() { return apiKeys; }
            public void setApiKeys(List<String> apiKeys) { this.apiKeys = apiKeys; }
        }
    }

    /** The WhatsApp server the console starts sessions on; its x-api-key is security.api-key (WHATSAPP_API_KEY). */
    public static class WhatsappServer {
        /** Its base URL (http://whatsapp:3000); unset = the console cannot start sessions. */
        private String url;
        /** How long a start may take: the server answers once its browser page is up. */
        private Duration timeout = Duration.ofSeconds(60);

        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
    }

    public static class Media {
        /** Where media files are written, named by their SHA-256. */
        private String dir = "./data/media";

        public String getDir() { return dir; }
        public void setDir(String dir) { this.dir = dir; }
    }

    public static class Api {
        /** Bearer key of the read API and the actuator's details and metrics; unset = the read API is off. */
        private String adminKey;
        /** Failed admin authentications allowed per client IP per minute; past it 429 for every request of it. */
        private int authFailuresPerMinute = 10;
        /** Page size when the client asks for none, and the most it may ask for. */
        private int defaultPageSize = 50;
        /** The most a client may ask for in one page. */
        private int maxPageSize = 500;

        public String getAdminKey() { return adminKey; }
        public void setAdminKey(String adminKey) { this.adminKey = adminKey; }
        public int getAuthFailuresPerMinute() { return authFailuresPerMinute; }
        public void setAuthFailuresPerMinute(int authFailuresPerMinute) { this.authFailuresPerMinute = authFailuresPerMinute; }
        public int getDefaultPageSize() { return defaultPageSize; }
        public void setDefaultPageSize(int defaultPageSize) { this.defaultPageSize = defaultPageSize; }
        public int getMaxPageSize() { return maxPageSize; }
        public void setMaxPageSize(int maxPageSize) { this.maxPageSize = maxPageSize; }
    }

    /** Group commit: how many threads write the archive, and how many waiting events one commit may take. */
    public static class Archive {
        /**
         * Each writer holds one database connection while it writes. 0 = one per core, at least 2: fewer writers
         * make larger batches, and on 2 cores 2 writers did better than 4 or 8 (docs/performance.md).
         */
        private int writers;
        /** ARCHIVE_MAX_BATCH: the most events one writer stores in one transaction. */
        private int maxBatch = 64;
        /** How long a request waits for the commit that holds its event before it answers 503 (retry). */
        private Duration commitTimeout = Duration.ofSeconds(15);
        /** Deliveries waiting for the writers, all writers together; past it a request gets 503 at once. */
        private int maxQueued = 2000;

        public int getMaxQueued() { return maxQueued; }
        public void setMaxQueued(int maxQueued) { this.maxQueued = maxQueued; }

        public Duration getCommitTimeout() { return commitTimeout; }
        public void setCommitTimeout(Duration commitTimeout) { this.commitTimeout = commitTimeout; }
        public int getWriters() {
            return writers > 0 ? writers : Math.max(2, Runtime.getRuntime().availableProcessors());
        }
        public void setWriters(int writers) { this.writers = writers; }
        public int getMaxBatch() { return maxBatch; }
        public void setMaxBatch(int maxBatch) { this.maxBatch = maxBatch; }
    }

    public static class Retention {
        /** Archived events older than this many days are deleted; 0 keeps them forever. Domain tables are kept. */
        private int archiveDays = 90;
        /** Rows deleted per statement, so a purge never holds long locks. */
        private int batchSize = 1000;
        /** How often the purge runs, and how long after start-up it first runs. */
        private Duration interval = Duration.ofHours(1);
        /** How long after start-up the purge first runs. */
        private Duration initialDelay = Duration.ofMinutes(1);

        /**
         * PostgreSQL: the tables churned at the event rate (outbox, lanes, sessions, rate-limit buckets) are vacuumed
         * every {@code vacuumInterval} when they hold at least {@code vacuumDeadRows} dead rows (store.TableVacuum,
         * routes/housekeeping.yaml); false leaves them to the server's autovacuum.
         */
        private boolean vacuum = true;
        /** TABLE_VACUUM_INTERVAL: how often those tables are checked. */
        private Duration vacuumInterval = Duration.ofSeconds(10);
        /** A table is vacuumed once it holds at least this many dead rows. */
        private long vacuumDeadRows = 1000;

        public boolean isVacuum() { return vacuum; }
        public void setVacuum(boolean vacuum) { this.vacuum = vacuum; }
        public Duration getVacuumInterval() { return vacuumInterval; }
        public void setVacuumInterval(Duration vacuumInterval) { this.vacuumInterval = vacuumInterval; }
        public long getVacuumDeadRows() { return vacuumDeadRows; }
        public void setVacuumDeadRows(long vacuumDeadRows) { this.vacuumDeadRows = vacuumDeadRows; }

        public int getArchiveDays() { return archiveDays; }
        public void setArchiveDays(int archiveDays) { this.archiveDays = archiveDays; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public Duration getInitialDelay() { return initialDelay; }
        public void setInitialDelay(Duration initialDelay) { this.initialDelay = initialDelay; }
    }

    public static class Security {
        /** HMAC-SHA256 secret; when set, POSTs must carry X-Webhook-Signature (or a valid API key). */
        private String webhookSecret;
        /** The previous secret, still accepted while the sender is rotated onto the new one. */
        private String webhookSecretPrevious;
        /** Inbound x-api-key accepted as authentication (the stock whatsapp-api server cannot sign). */
        private String apiKey;
        /**
         * Which webhook signatures are accepted: sha256 (X-Webhook-Signature under webhook-secret), standard-webhooks
         * (webhook-id, webhook-timestamp, webhook-signature under standard-webhooks.secrets) or any (either)
         */
        private String signature = "sha256";
        private final StandardWebhooks standardWebhooks = new StandardWebhooks();

        public String getWebhookSecret() { return webhookSecret; }
        public void setWebhookSecret(String webhookSecret) { this.webhookSecret = webhookSecret; }
        public String getWebhookSecretPrevious() { return webhookSecretPrevious; }
        public void setWebhookSecretPrevious(String v) { this.webhookSecretPrevious = v; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public String getSignature() { return signature; }
        public void setSignature(String signature) { this.signature = signature; }
        public StandardWebhooks getStandardWebhooks() { return standardWebhooks; }

        /** Standard Webhooks signatures on the webhook (with security.signature standard-webhooks or any). */
        public static class StandardWebhooks {
            /** The sender's whsec_ secrets, comma-separated; several during a rotation, any of them verifies */
            private List<String> secrets = new ArrayList<>();
            /** How far webhook-timestamp may be from the gateway's clock, either way; further gets 401 stale_timestamp */
            private Duration tolerance = Duration.ofMinutes(5);
            /**
             * How long a verified webhook-id answers the sender's retry of it as a duplicate; such senders retry
             * for a day or more (Svix's schedule spans about 28 hours), far past DEDUPE_WINDOW
             */
            private Duration repeatWindow = Duration.ofHours(48);

            public List<String> getSecrets() { return secrets; }
            public void setSecrets(List<String> secrets) { this.secrets = secrets; }
            public Duration getTolerance() { return tolerance; }
            public void setTolerance(Duration tolerance) { this.tolerance = tolerance; }
            public Duration getRepeatWindow() { return repeatWindow; }
            public void setRepeatWindow(Duration repeatWindow) { this.repeatWindow = repeatWindow; }
        }
    }

    public static class RateLimit {
        /** Requests per client IP per minute. */
        private int perMinute = 100;
        /** CIDRs of the WhatsApp servers: they carry every session's traffic, so they get their own limit. */
        private List<String> trustedSenders = new ArrayList<>();
        /** The per-minute limit of each trusted sender address. */
        private int trustedPerMinute = 6000;
        /** CIDRs of reverse proxies whose X-Forwarded-For is believed. */
        private List<String> trustedProxies = new ArrayList<>();
        /** How many client addresses the in-memory store tracks before it evicts idle ones. */
        private int maxTrackedClients = 100_000;
        /** Where the buckets live: auto (database on PostgreSQL, else memory), memory (one instance), database. */
        private String store = "auto";

        public String getStore() { return store; }
        public void setStore(String store) { this.store = store; }

        public int getPerMinute() { return perMinute; }
        public void setPerMinute(int perMinute) { this.perMinute = perMinute; }
        public List<String> getTrustedSenders() { return trustedSenders; }
        public void setTrustedSenders(List<String> trustedSenders) { this.trustedSenders = trustedSenders; }
        public int getTrustedPerMinute() { return trustedPerMinute; }
        public void setTrustedPerMinute(int trustedPerMinute) { this.trustedPerMinute = trustedPerMinute; }
        public List<String> getTrustedProxies() { return trustedProxies; }
        public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
        public int getMaxTrackedClients() { return maxTrackedClients; }
        public void setMaxTrackedClients(int maxTrackedClients) { this.maxTrackedClients = maxTrackedClients; }
    }

    public static class Intake {
        /** Larger bodies get 413; media events carry files base64-encoded, hence the generous default. */
        private long maxBodyBytes = 104_857_600L;
        /** A retry (the session's previous event's body, or a delivery id seen) within this window is a duplicate. */
        private Duration dedupeWindow = Duration.ofSeconds(60);
        /** A sender-supplied delivery id; when present it alone decides whether a delivery is a repeat. */
        private String deliveryIdHeader = "X-Delivery-Id";
        /**
         * Request body bytes held at once across all requests; past it a request gets 503 (retry) instead of
         * pushing the heap over. 0 = a third of the maximum heap, at least one maximum-size body.
         */
        private long maxInFlightBytes;

        public long getMaxBodyBytes() { return maxBodyBytes; }
        public void setMaxBodyBytes(long maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
        public Duration getDedupeWindow() { return dedupeWindow; }
        public void setDedupeWindow(Duration dedupeWindow) { this.dedupeWindow = dedupeWindow; }
        public String getDeliveryIdHeader() { return deliveryIdHeader; }
        public void setDeliveryIdHeader(String deliveryIdHeader) { this.deliveryIdHeader = deliveryIdHeader; }
        public long getMaxInFlightBytes() { return maxInFlightBytes; }
        public void setMaxInFlightBytes(long maxInFlightBytes) { this.maxInFlightBytes = maxInFlightBytes; }
    }
}
