package dev.wagateway.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wagateway.store.MediaStore;

/** Only WAHA's files, and only from WAHA_URL, whatever host the delivery's URL names. */
class WahaMediaDownloaderTest {

    @TempDir
    Path dir;

    private WahaMediaDownloader downloader(String base) {
        return new WahaMediaDownloader(base, "key", Duration.ofSeconds(1), 1024, new MediaStore(dir));
    }

    @Test
    void theFileIsFetchedFromWahaUrlNotFromTheHostInTheDelivery() throws IOException {
        assertThat(downloader("http://waha:3000/").target(
                "http://localhost:3000/api/files/toko-jakarta/false_6281234567890@c.us_3EB0.png").toString())
                .isEqualTo("http://waha:3000/api/files/toko-jakarta/false_6281234567890@c.us_3EB0.png");
        assertThat(downloader("https://waha.internal").target("https://evil.example/api/files/s/a.jpg?x=1").toString())
                .isEqualTo("https://waha.internal/api/files/s/a.jpg?x=1");
    }

    @Test
    void anythingButWahasFilesIsRefused() {
        WahaMediaDownloader downloader = downloader("http://waha:3000");
        for (String url : new String[] {"http://waha:3000/api/sessions", "http://waha:3000/api/files/../sessions/x",
                "http://waha:3000/api/files/%2F..%2Fsessions", "not a url", "/other/file.jpg"}) {
            assertThatThrownBy(() -> downloader.target(url)).as(url).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aWahaUrlThatIsNotHttpIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> downloader("file:///etc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WAHA_URL");
        assertThatThrownBy(() -> downloader("waha:3000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.sources.waha.url");
    }
}
