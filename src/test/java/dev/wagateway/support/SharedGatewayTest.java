package dev.wagateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole gateway with one common set of settings, so that every test class extending it (and adding no settings,
 * {@code @Import} or {@code @DynamicPropertySource} of its own) runs in the same application context on the same
 * database: Spring's test context cache boots it once for all of them. Extend this one, or
 * {@link SignedGatewayTest} when the intake must ask for a signature or the API key, or {@link NoAdminKeyGatewayTest}
 * for what is off without an admin key; extend {@link PostgresGatewayTest} directly only for settings no other test
 * may see (rate-limit numbers, body limits, scheduled-job intervals, outputs and their fake receivers, another routes
 * directory, a management port). A new shared base also goes into {@link SharedContextsTogether}, so that its
 * classes run together.
 *
 * <p>Sharing asks two things of a test. It proves its point on rows of its own: session ids no other class uses,
 * counts by session, never an absolute {@code count(*)} over a table other classes write (a before/after
 * {@link #allRows()} within one test is fine). And it leaves nothing another class would see: no output, no stopped
 * route, no altered table.
 *
 * <p>The settings: the intake open (no secret, no API key), the admin API on ({@link #ADMIN_KEY}), the test client
 * (127.0.0.1, ::1) a trusted sender with a limit no test reaches, and wrong admin keys never throttled; sources and
 * outputs off; the retention purge not before an hour (it would delete other classes' expired dedupe rows in the
 * middle of a before/after count); media in a temporary directory ({@link #mediaDir()}); a fake WhatsApp server
 * ({@link #whatsAppServer()}), which only the admin API's session start calls.
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + SharedGatewayTest.ADMIN_KEY,
        "gateway.api.auth-failures-per-minute=1000000",
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=1000000",
        "gateway.retention.initial-delay=1h"})
public abstract class SharedGatewayTest extends PostgresGatewayTest {

    public static final String ADMIN_KEY = "shared-admin-key-Ja62";
    public static final Map<String, String> ADMIN = Map.of("Authorization", "Bearer " + ADMIN_KEY);

    private static Path mediaDir;
    private static FakeWhatsAppServer whatsAppServer;

    @DynamicPropertySource
    static void sharedMediaAndServer(DynamicPropertyRegistry registry) throws IOException {
        // Runs once per context (again if the cache evicted and rebuilt it), so the fields name the current ones.
        mediaDir = Files.createTempDirectory("wagw-shared-media");
        Path dir = mediaDir;
        registry.add("gateway.media.dir", dir::toString);
        if (whatsAppServer != null) {
            whatsAppServer.close();
        }
        whatsAppServer = new FakeWhatsAppServer();
        String url = whatsAppServer.url();
        registry.add("gateway.whatsapp-server.url", () -> url);
    }

    /** Where the shared context writes media files (content-addressed: other classes' files may be there too). */
    protected static Path mediaDir() {
        return mediaDir;
    }

    /** The WhatsApp server the shared context starts sessions on; clear() it before counting its starts. */
    protected static FakeWhatsAppServer whatsAppServer() {
        return whatsAppServer;
    }
}
