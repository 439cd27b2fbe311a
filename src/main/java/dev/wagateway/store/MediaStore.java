package dev.wagateway.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.wagateway.shared.Digests;

/**
 * Media files on disk, content-addressed: a file's name is its SHA-256 ({@code ab/cd/abcd…}), so the same file
 * sent twice is stored once and nothing the sender says (its file name) ever becomes part of a path. Decoding
 * streams from the base64 text straight to disk, so a large file is never held decoded in memory.
 */
public class MediaStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path incoming;

    public MediaStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.incoming = this.root.resolve("incoming");
    }

    /** What was stored: the file's hash and decoded size. */
    public record StoredFile(String sha256, long size) {
    }

    /**
     * Decodes {@code base64} (standard alphabet, padding optional, no line breaks) into the store.
     *
     * @throws IllegalArgumentException when the text is not valid base64; nothing is left behind
     */
    public StoredFile store(CharSequence base64) throws IOException {
        try (InputStream decoded = Base64.getDecoder().wrap(new AsciiInputStream(base64))) {
            return store(decoded, Long.MAX_VALUE);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Illegal base64")) {
                throw new IllegalArgumentException("media data is not valid base64: " + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * Copies the file's bytes from {@code in} (e.g. a download) into the store, at most {@code maxBytes} of them.
     *
     * @throws FileTooLargeException when the stream holds more than {@code maxBytes}; nothing is left behind
     */
    public StoredFile store(InputStream in, long maxBytes) throws IOException {
        Files.createDirectories(incoming);
        Path temp = Files.createTempFile(incoming, "media-", ".part");
        try {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            long size = 0;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    size += n;
                    if (size > maxBytes) {
                        throw new FileTooLargeException(maxBytes);
                    }
                    out.write(buffer, 0, n);
                }
            }
            String hash = Digests.hex(sha.digest());
            Path target = pathOf(hash);
            Files.createDirectories(target.getParent());
            if (!Files.exists(target)) {
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    // the same file arrived concurrently: one copy is enough
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target);
                }
            }
            return new StoredFile(hash, size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A file past the size the caller allows; thrown before more than that is written. */
    public static final class FileTooLargeException extends IOException {
        public FileTooLargeException(long maxBytes) {
            super("the file is larger than " + maxBytes + " bytes");
        }
    }

    private static final String REFERENCE_PREFIX = "media/";

    /** How an archived event names a stored file: {@code media/<sha256>}. */
    public static String reference(String sha256) {
        return REFERENCE_PREFIX + sha256;
    }

    /** The hash in a {@link #reference(String)}, or null when the text is not one. */
    public static String hashOf(String reference) {
        if (reference == null || !reference.startsWith(REFERENCE_PREFIX)) {
            return null;
        }
        String hash = reference.substring(REFERENCE_PREFIX.length());
        return SHA256.matcher(hash).matches() ? hash : null;
    }

    /** The size of a stored file. */
    public long size(String sha256) throws IOException {
        return Files.size(find(sha256).orElseThrow(() -> new IOException("media file " + sha256 + " is missing")));
    }

    /** The file of a hash, when the hash is well-formed and the file is there. */
    public Optional<Path> find(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            return Optional.empty();
        }
        Path path = pathOf(sha256);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    private Path pathOf(String sha256) {
        return root.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
    }

    /**
     * Reads a CharSequence as bytes without copying it. A non-ASCII character becomes a byte the base64 decoder
     * rejects, so it cannot be silently folded into a valid character.
     */
    static final class AsciiInputStream extends InputStream {
        private final CharSequence text;
        private int pos;

        AsciiInputStream(CharSequence text) {
            this.text = text;
        }

        @Override
        public int read() {
            if (pos >= text.length()) {
                return -1;
            }
            char c = text.charAt(pos++);
            return c < 128 ? c : '!';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int remaining = text.length() - pos;
            if (remaining <= 0) {
                return -1;
            }
            int n = Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                char c = text.charAt(pos++);
                b[off + i] = (byte) (c < 128 ? c : '!');
            }
            return n;
        }
    }
}
