package dev.wagateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.NotFoundException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.wagateway.support.Await;
import dev.wagateway.support.FakeEndpoint;
import dev.wagateway.support.FakeWhatsAppServer;
import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;

/**
 * The console in a real browser (Debian's headless Chromium, driven by Selenium) against a whole gateway: what an
 * operator sees after the WhatsApp server posts the stock sender's payloads. Each page is also photographed at
 * 1366x768 into docs/console/ for docs/console.md. The browser signs in the way a person does: the Basic prompt's
 * credentials (empty name, the admin key), given once; every later page and fetch() relies on what the browser
 * remembered.
 */
@TestPropertySource(properties = {
        "gateway.api.admin-key=" + ConsoleBrowserIT.ADMIN,
        "gateway.security.api-key=" + ConsoleBrowserIT.WA_KEY,
        "gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
        "gateway.rate-limit.trusted-per-minute=100000",
        "gateway.outputs.delivery.retries=1",
        "gateway.outputs.delivery.retry-delay=50ms",
        "gateway.outputs.delivery.timeout=2s",
        "gateway.outputs.delivery.minimum-calls=1000"})
class ConsoleBrowserIT extends PostgresGatewayTest {

    static final String ADMIN = "console-admin-Zk28";
    static final String WA_KEY = "wa-server-key-7Q";
    static final Path SCREENSHOTS = Path.of("docs/console");

    private static FakeEndpoint crm;
    private static FakeWhatsAppServer whatsAppServer;
    private static ChromeDriver browser;
    private static String signedInAt;

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry registry) throws IOException {
        crm = new FakeEndpoint();
        registry.add("gateway.outputs.http.crm.url", crm::url);
        registry.add("gateway.outputs.http.crm.events", () -> "message");
        whatsAppServer = new FakeWhatsAppServer();
        registry.add("gateway.whatsapp-server.url", whatsAppServer::url);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        crm.close();
        whatsAppServer.close();
    }

    @BeforeEach
    void browser() {
        if (browser == null) {
            ChromeOptions options = new ChromeOptions();
            // Debian's packages; Selenium Manager never runs (it would try to download a browser and a driver).
            options.setBinary("/usr/bin/chromium");
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1366,768", "--force-device-scale-factor=1", "--lang=en-GB");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
            browser = new ChromeDriver(service, options);
            browser.manage().window().setSize(new Dimension(1366, 768));
        }
        String base = base();
        if (!base.equals(signedInAt)) {
            // What the Basic prompt does: the credentials answer the page's challenge and the browser keeps them for
            // this origin and realm. The page is then opened without them (fetch() refuses a page URL with
            // credentials in it), as after typing them into the prompt.
            browser.get("http://:" + ADMIN + "@127.0.0.1:" + port + "/console/");
            signedInAt = base;
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void open(String hash) {
        browser.get(base() + "/console/#" + hash);
        browser.executeScript("window.__sameDocument = 'yes';");
        waitFor("the console to load", () -> browser.findElement(By.id("connection")).getText().startsWith("Live"));
    }

    private void assertNoReload() {
        assertThat(browser.executeScript("return window.__sameDocument")).as("the page was never reloaded").isEqualTo("yes");
    }

    /**
     * Waits for what the page should come to show. Generous, because a loaded CI machine can take seconds to poll,
     * render and screenshot; a latency the console promises is asserted separately. A timeout says what the page
     * showed, so that a failure tells why.
     */
    private void waitFor(String what, Supplier<Boolean> condition) {
        waitFor(what, condition, () -> "");
    }

    /** As above; {@code gateway} adds what the gateway holds, so a timeout tells the page's fault from the server's. */
    private void waitFor(String what, Supplier<Boolean> condition, Supplier<String> gateway) {
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .withMessage(() -> what + "; the page showed: " + pageState() + gateway.get())
                .until(d -> condition.get());
    }

    /** The session row and its latest QR events as stored, for a QR wait's failure message. */
    private String storedQr(String session) {
        try {
            return "; the gateway holds: " + jdbc.queryForList("SELECT status, qr_at, LEFT(qr, 24) AS qr FROM wa_sessions"
                    + " WHERE session_id = ?", session) + ", its QR events: " + jdbc.queryForList("SELECT received_at,"
                    + " status, error FROM wa_events WHERE session_id = ? AND event = 'qr' ORDER BY received_at", session);
        } catch (RuntimeException e) {
            return "; the gateway's rows unreadable: " + e.getMessage();
        }
    }

    private String pageState() {
        try {
            return String.valueOf(browser.executeScript("const q = document.getElementById('qr');"
                    + "const t = (id) => (document.getElementById(id) || {}).textContent;"
                    + "return 'hash=' + location.hash + ', connection=' + t('connection') + ', link-state=' + t('link-state')"
                    + " + ', qr hidden=' + (q && q.hidden) + ', qr loaded=' + (q && q.complete && q.naturalWidth)"
                    + " + ', qr at=' + (q && q.getAttribute('data-qr-at'));"));
        } catch (RuntimeException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The text of what the selector finds now, "" when nothing: read in one script run, so never stale. */
    private String text(String selector) {
        Object text = browser.executeScript("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
                selector);
        return String.valueOf(text);
    }

    private void post(String body) {
        assertThat(client.post("/api/whatsapp/webhook", body, Map.of("x-api-key", WA_KEY)).status()).isEqualTo(200);
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private String sessionStatus(String session) {
        List<WebElement> rows = browser.findElements(By.cssSelector("#sessions-table tr[data-session='" + session + "'] td.status"));
        return rows.isEmpty() ? null : rows.get(0).getText();
    }

    private static String decode(byte[] png) {
        try {
            var image = ImageIO.read(new ByteArrayInputStream(png));
            return new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
                    .getText();
        } catch (NotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String shownQr() {
        WebElement qr = browser.findElement(By.id("qr"));
        return qr.isDisplayed() ? decode(qr.getScreenshotAs(OutputType.BYTES)) : null;
    }

    @Test
    void aSessionAppearsAndTurnsReadyWithoutAReload() throws IOException {
        open("sessions");
        assertThat(sessionStatus("toko-bandung")).isNull();

        post(Samples.forSession("qr", "toko-bandung"));
        waitFor("the new session in the list", () -> "qr_pending".equals(sessionStatus("toko-bandung")));
        post(Samples.forSession("authenticated", "toko-bandung"));
        post(Samples.forSession("ready", "toko-bandung"));
        post(Samples.forSession("change_state", "toko-bandung").replace("CONFLICT", "CONNECTED"));
        post(Samples.forSession("message", "toko-bandung"));
        post(Samples.forSession("disconnected", "toko-solo"));
        waitFor("the session to turn ready", () -> "ready".equals(sessionStatus("toko-bandung")));
        waitFor("another session, disconnected", () -> "disconnected".equals(sessionStatus("toko-solo")));
        assertThat(browser.findElement(By.cssSelector("#sessions-table tr[data-session='toko-bandung'] td:nth-child(3)")).getText())
                .isEqualTo("CONNECTED");
        waitFor("its message counted", () -> browser.findElement(By.cssSelector(
                "#sessions-table tr[data-session='toko-bandung'] td:nth-child(5)")).getText().equals("1"));
        assertNoReload();
        // The key is nowhere the page can reach: not in its markup, its URL or the browser's storage.
        assertThat(browser.getPageSource()).doesNotContain(ADMIN).doesNotContain(WA_KEY);
        assertThat(browser.getCurrentUrl()).doesNotContain(ADMIN);
        assertThat(browser.executeScript("return localStorage.length + sessionStorage.length + document.cookie.length"))
                .isEqualTo(0L);
        screenshot("sessions");
    }

    @Test
    void aPhoneIsLinkedFromOneScreen() throws IOException {
        open("link");
        // Start the session on the WhatsApp server from the page: the gateway calls the server with its key.
        WebElement id = browser.findElement(By.id("start-session"));
        id.sendKeys("toko-medan");
        browser.findElement(By.cssSelector("#start-form button")).click();
        waitFor("the start's answer", () -> browser.findElement(By.id("start-result")).getText().startsWith("Started toko-medan"));
        assertThat(whatsAppServer.starts()).contains("GET toko-medan " + WA_KEY);

        // The server then posts the session's QR: it shows, and it is the posted one.
        String first = "2@first-code-" + System.nanoTime() + ",AbCdEf0123456789=,GhIjKl0123456789=";
        post(Samples.forSession("qr", "toko-medan").replaceAll("\"qr\":\"[^\"]*\"", "\"qr\":\"" + first + "\""));
        waitFor("the QR to show and decode", () -> first.equals(shownQr()), () -> storedQr("toko-medan"));
        screenshot("link");

        // A new code replaces it within a second or two, without a reload.
        String second = "2@second-code-" + System.nanoTime() + ",ZyXwVu9876543210=,TsRqPo9876543210=";
        post(Samples.forSession("qr", "toko-medan").replaceAll("\"qr\":\"[^\"]*\"", "\"qr\":\"" + second + "\""));
        long posted = System.nanoTime();
        waitFor("the new QR", () -> second.equals(shownQr()), () -> storedQr("toko-medan"));
        assertThat(Duration.ofNanos(System.nanoTime() - posted)).isLessThan(Duration.ofMillis(2500));

        // Scanned and ready: the code gives way to "linked".
        post(Samples.forSession("authenticated", "toko-medan"));
        post(Samples.forSession("ready", "toko-medan"));
        waitFor("linked", () -> browser.findElement(By.id("link-state")).getText().startsWith("Linked"));
        assertThat(browser.findElement(By.id("qr")).isDisplayed()).isFalse();
        assertNoReload();
    }

    @Test
    void aDeadLetterIsReplayedWithTheButtonAndDisappears() throws IOException {
        crm.mode(FakeEndpoint.Mode.DOWN);
        post(Samples.forSession("message", "toko-surabaya"));
        waitFor("the dead letter", () -> jdbc.queryForObject(
                "SELECT count(*) FROM wa_dead_letters WHERE session_id = 'toko-surabaya' AND status = 'pending'", Long.class) == 1);
        String deadLetter = jdbc.queryForObject("SELECT id FROM wa_dead_letters WHERE session_id = 'toko-surabaya'", String.class);

        open("outputs");
        By row = By.cssSelector("#dead-letters-table tr[data-dead-letter='" + deadLetter + "']");
        waitFor("the dead letter listed", () -> !browser.findElements(row).isEmpty());
        WebElement output = browser.findElement(By.cssSelector("#outputs-table tr[data-output='http-crm']"));
        assertThat(output.getText()).contains("http-crm").contains("closed");
        screenshot("outputs");

        // Still down: the replay fails and says so; the dead letter stays.
        browser.findElement(row).findElement(By.cssSelector("button.replay")).click();
        waitFor("the failure shown", () -> browser.findElement(By.id("replay-result")).getText().startsWith("Failed again"));
        assertThat(browser.findElements(row)).hasSize(1);

        crm.mode(FakeEndpoint.Mode.UP);
        browser.findElement(row).findElement(By.cssSelector("button.replay")).click();
        waitFor("the success shown", () -> browser.findElement(By.id("replay-result")).getText().startsWith("Delivered"));
        waitFor("the dead letter gone from the list", () -> browser.findElements(row).isEmpty());
        assertThat(crm.accepted()).anyMatch(r -> r.body().contains("toko-surabaya"));
        assertThat(jdbc.queryForObject("SELECT status FROM wa_dead_letters WHERE id = CAST(? AS uuid)", String.class, deadLetter))
                .isEqualTo("resolved");

        // Two more while it is down again, then "Replay all" for the output.
        crm.mode(FakeEndpoint.Mode.DOWN);
        post(Samples.forSession("message", "toko-surabaya").replace("3EB0C767D71D3A5F0A1B", "3EB0SECOND"));
        post(Samples.forSession("message", "toko-surabaya").replace("3EB0C767D71D3A5F0A1B", "3EB0THIRD"));
        By pending = By.cssSelector("#dead-letters-table tbody tr");
        waitFor("two dead letters listed", () -> browser.findElements(pending).size() == 2);
        crm.mode(FakeEndpoint.Mode.UP);
        browser.findElement(By.cssSelector("#outputs-table tr[data-output='http-crm'] button.replay-all")).click();
        waitFor("the bulk result shown", () -> browser.findElement(By.id("replay-result")).getText()
                .equals("http-crm: 2 replayed, 2 delivered, 0 failed again"));
        waitFor("the list empty", () -> browser.findElements(pending).isEmpty());
        assertThat(browser.findElement(By.id("dead-letters-empty")).isDisplayed()).isTrue();
        assertThat(crm.accepted()).anyMatch(r -> r.body().contains("3EB0SECOND")).anyMatch(r -> r.body().contains("3EB0THIRD"));
        assertNoReload();
    }

    /**
     * A disabled output (FailingEndpointIT disables one for real after its window; 5 days here, so the row is set as
     * that update sets it) shows as such with its reason, holds its deliveries, and the Enable button sends them.
     */
    @Test
    void aDisabledOutputShowsAndTheEnableButtonSendsItsBacklog() throws Exception {
        crm.mode(FakeEndpoint.Mode.UP);
        jdbc.update("UPDATE wa_output_health SET disabled_at = now(), failing_since = now() - interval '5 days', "
                + "disabled_reason = 'every attempt failed for 5d (since ...); last error: status 500' WHERE output = 'http-crm'");
        // The workers' view of the state is at most a second old; from then on nothing of http-crm is claimed.
        Thread.sleep(1200);
        String held = Samples.forSession("message", "toko-padang").replace("3EB0C767D71D3A5F0A1B", "3EB0HELD");
        post(held);
        open("outputs");
        // The table is drawn again every 2 s: each look reads the row afresh, in one script run.
        String row = "#outputs-table tr[data-output='http-crm']";
        waitFor("the output shown disabled with its Enable button", () -> text(row).contains("disabled")
                && text(row + " button.enable").equals("Enable"));
        assertThat(browser.executeScript("return document.querySelector(arguments[0]).title", row + " td.state"))
                .asString().startsWith("every attempt failed for 5d");
        assertThat(crm.accepted()).noneMatch(r -> r.body().contains("3EB0HELD"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_outbox WHERE output = 'http-crm' AND session_id = 'toko-padang'",
                Long.class)).isEqualTo(1);

        browser.executeScript("document.querySelector(arguments[0]).click()", row + " button.enable");
        waitFor("the result shown", () -> text("#output-result").equals("http-crm enabled: 1 waiting deliveries go out now"));
        waitFor("the output shown enabled, without the button", () -> text(row).contains("enabled")
                && text(row + " button.enable").isEmpty());
        Await.until(Duration.ofSeconds(10), () -> crm.accepted().stream().anyMatch(r -> r.body().contains("3EB0HELD")),
                "the held delivery sent");
        assertNoReload();
    }

    @Test
    void aScriptInAMessageBodyShowsAsText() throws IOException {
        String body = "<script>window.__xss='script'</script><img src=x onerror=\\\"window.__xss='img'\\\">";
        String message = Samples.forSession("message", "toko-bali")
                .replace("Halo, apakah pesanan saya sudah dikirim? 📦", body)
                .replace("3EB0C767D71D3A5F0A1B", "3EB0XSS");
        crm.mode(FakeEndpoint.Mode.UP);
        post(Samples.forSession("group_join", "toko-bali"));
        post(message);

        open("events");
        WebElement filters = browser.findElement(By.id("event-filters"));
        filters.findElement(By.name("session")).sendKeys("toko-bali");
        filters.findElement(By.cssSelector("button")).click();
        By rows = By.cssSelector("#events-table tbody tr");
        waitFor("the session's events listed, newest first", () -> browser.findElements(rows).size() == 2
                && browser.findElements(rows).get(0).getText().contains("message")
                && browser.findElements(rows).get(1).getText().contains("group_join"));
        assertThat(browser.findElements(rows).get(1).getText()).contains("unrouted");
        browser.findElements(rows).get(0).click();
        waitFor("its stored data shown", () -> browser.findElement(By.id("event-detail-data")).getText()
                .contains("<script>window.__xss='script'</script>"));
        assertThat(browser.findElement(By.id("event-detail-data")).getText()).contains("<img src=x onerror=");
        assertThat(browser.executeScript("return window.__xss === undefined")).as("no payload script ran").isEqualTo(true);
        assertThat(browser.findElements(By.cssSelector("#event-detail img, #event-detail script"))).isEmpty();
        try {
            browser.switchTo().alert();
            throw new AssertionError("an alert is open");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
        screenshot("events");

        // The throughput chart has this event's minute.
        open("throughput");
        waitFor("bars in the chart", () -> !browser.findElements(By.cssSelector("#chart rect[data-event='message']")).isEmpty());
        assertThat(browser.findElement(By.id("chart-legend")).getText()).contains("message");
        screenshot("throughput");
        assertNoReload();
    }
}
