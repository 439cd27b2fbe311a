package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wagateway.shared.Digests;

/** Files by their hash, from base64 or a stream, and a stream past its bound leaves nothing behind. */
class MediaStoreTest {

    @TempDir
    Path dir;

    @Test
    void aStreamAndItsBase64AreOneFileNamedByItsHash() throws Exception {
        MediaStore store = new MediaStore(dir);
        byte[] bytes = "a file of the message".getBytes(StandardCharsets.UTF_8);

        MediaStore.StoredFile streamed = store.store(new ByteArrayInputStream(bytes), bytes.length);
        MediaStore.StoredFile decoded = store.store(Base64.getEncoder().encodeToString(bytes));

        String sha256 = Digests.hex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(streamed).isEqualTo(decoded).isEqualTo(new MediaStore.StoredFile(sha256, bytes.length));
        assertThat(Files.readAllBytes(store.find(sha256).orElseThrow())).isEqualTo(bytes);
    }

    @Test
    void aStreamLargerThanItsBoundIsRefusedAndLeavesNothing() throws IOException {
        MediaStore store = new MediaStore(dir);
        byte[] bytes = new byte[200_000];

        assertThatThrownBy(() -> store.store(new ByteArrayInputStream(bytes), 199_999))
                .isInstanceOf(MediaStore.FileTooLargeException.class);

        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void textThatIsNotBase64IsRefused() {
        assertThatThrownBy(() -> new MediaStore(dir).store("not base64!")).isInstanceOf(IllegalArgumentException.class);
    }
}
