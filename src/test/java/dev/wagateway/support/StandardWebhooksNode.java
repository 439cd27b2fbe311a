package dev.wagateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js scripts of src/test/node/standard-webhooks-receiver, with the published npm package
 * {@code standardwebhooks} they use installed next to them in target/: a receiver (server.js, for our outputs) and a
 * sender's signer (sign.js, for our intake). npm installs the package (pinned by the lockfile) once per clean build;
 * without Node.js, npm or its cache the tests that need it fail, never skip.
 */
public final class StandardWebhooksNode {

    private static final Path SOURCE = Path.of("src/test/node/standard-webhooks-receiver");
    public static final Path INSTALLED = Path.of("target/standard-webhooks-receiver");

    private StandardWebhooksNode() {
    }

    /** npm ci into target/ from the pinned lockfile (node_modules kept while the lockfile is the same); the directory. */
    public static synchronized Path install() throws Exception {
        Files.createDirectories(INSTALLED);
        boolean sameLock = Files.exists(INSTALLED.resolve("package-lock.json"))
                && Files.mismatch(SOURCE.resolve("package-lock.json"), INSTALLED.resolve("package-lock.json")) == -1;
        for (String file : List.of("package.json", "package-lock.json", "server.js", "sign.js")) {
            Files.copy(SOURCE.resolve(file), INSTALLED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (sameLock && Files.isDirectory(INSTALLED.resolve("node_modules/standardwebhooks"))) {
            return INSTALLED;
        }
        Path log = INSTALLED.resolve("npm-ci.log");
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(INSTALLED.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException("npm ci of the Standard Webhooks receiver failed (Node.js, npm and the npm "
                    + "registry are needed); its output: " + Files.readString(log));
        }
        return INSTALLED;
    }

    /** The webhook-signature header value the npm library gives for this message, signed as a sender would. */
    public static String sign(String secret, String id, long timestamp, byte[] body) throws Exception {
        Process node = new ProcessBuilder("node", "sign.js", secret, id, Long.toString(timestamp))
                .directory(install().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var in = node.getOutputStream()) {
            in.write(body);
        }
        String out = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0 || !out.startsWith("v1,")) {
            node.destroyForcibly();
            throw new IllegalStateException("sign.js failed: " + out);
        }
        return out;
    }
}
