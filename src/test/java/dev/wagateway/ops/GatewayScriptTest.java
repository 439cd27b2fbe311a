package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/gateway's choice of start path, read from its {@code --dry-run} (the command it would exec), with JDK homes
 * made here: only their {@code release} file and an executable {@code bin/java} are read before the exec, so no
 * JVM starts and the test stays fast. That it really starts the jar and answers is GatewayScriptIT's.
 */
class GatewayScriptTest {

    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private Path jdk(String name, String runtimeVersion) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nexit 99\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_RUNTIME_VERSION=\"" + runtimeVersion
                + "\"\nJAVA_VERSION=\"" + runtimeVersion.replaceAll("[+-].*", "") + "\"\n");
        return home;
    }

    private Run gateway(Map<String, String> env, String... args) throws Exception {
        Path jar = dir.resolve("app/whatsapp-webhook-gateway-1.jar");
        Files.createDirectories(jar.getParent());
        if (!Files.exists(jar)) {
            Files.writeString(jar, "not really a jar, but it has a checksum");
        }
        List<String> command = new ArrayList<>(List.of("tools/gateway"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("GATEWAY_JAVA");
        builder.environment().remove("GATEWAY_FAST_START");
        builder.environment().remove("GATEWAY_CACHE_DIR");
        builder.environment().remove("JAVA_OPTS");
        builder.environment().put("GATEWAY_JAR", jar.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("tools/gateway finished").isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void theScriptParses() throws Exception {
        Process process = new ProcessBuilder("bash", "-n", "tools/gateway").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(output).isZero();
    }

    @Test
    void java25RunsTheExtractedJarWithAnAotCacheKeyedByJarAndJdk() throws Exception {
        Path home = jdk("jdk25", "25.0.3+9-LTS");
        Run run = gateway(Map.of("JAVA_HOME", home.toString(), "JAVA_OPTS", "-XX:MaxRAMPercentage=75"),
                "--dry-run", "--server.port=9000");

        assertThat(run.exit()).as(run.output()).isZero();
        String cache = dir.resolve("app/cache").toString();
        // No cache yet: the first start trains one, writing it under a name the production run does not read.
        assertThat(run.output()).containsPattern("train: -XX:AOTCacheOutput=" + cache + "/[0-9a-f]{16}-java25\\.0\\.3\\+9-LTS-aot/app\\.aot\\.part");
        assertThat(run.output()).containsPattern("exec: " + home + "/bin/java -XX:AOTCache=" + cache
                + "/[0-9a-f]{16}-java25\\.0\\.3\\+9-LTS-aot/app\\.aot -Dspring\\.aot\\.enabled=true -XX:MaxRAMPercentage=75 -jar " + cache
                + "/[0-9a-f]{16}-java25\\.0\\.3\\+9-LTS-aot/whatsapp-webhook-gateway-1\\.jar --server\\.port=9000\n");
    }

    @Test
    void java17UsesAClassDataSharingArchive() throws Exception {
        Path home = jdk("jdk17", "17.0.15+6-Debian-1deb12u1");
        Run run = gateway(Map.of("GATEWAY_JAVA", home.resolve("bin/java").toString()), "--dry-run");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).contains("-XX:ArchiveClassesAtExit=").containsPattern("exec: \\S+/bin/java -XX:SharedArchiveFile=\\S+-java17\\.0\\.15\\+6-Debian-1deb12u1-cds/app\\.jsa -Dspring\\.aot\\.enabled=true -jar ");
    }

    @Test
    void aChangedJarGetsANewCacheNeverTheOldOne() throws Exception {
        Path home = jdk("jdk25", "25.0.3+9-LTS");
        String before = gateway(Map.of("JAVA_HOME", home.toString()), "--dry-run").output();
        Files.writeString(dir.resolve("app/whatsapp-webhook-gateway-1.jar"), "the next release");
        String after = gateway(Map.of("JAVA_HOME", home.toString()), "--dry-run").output();

        assertThat(key(after)).isNotEqualTo(key(before));
    }

    @Test
    void anOlderJdkOrFastStartOffRunsThePlainJar() throws Exception {
        Path jar = dir.resolve("app/whatsapp-webhook-gateway-1.jar");
        Run old = gateway(Map.of("JAVA_HOME", jdk("jdk11", "11.0.2+9").toString()), "--dry-run", "--x=1");
        Run off = gateway(Map.of("JAVA_HOME", jdk("jdk25", "25.0.3+9-LTS").toString(), "GATEWAY_FAST_START", "off"),
                "--dry-run");

        assertThat(old.output()).isEqualTo("exec: " + dir.resolve("jdk11/bin/java") + " -jar " + jar + " --x=1\n");
        assertThat(off.output()).isEqualTo("exec: " + dir.resolve("jdk25/bin/java") + " -jar " + jar + "\n");
    }

    @Test
    void noJarIsAUsageErrorNotAStartWithoutOne() throws Exception {
        Run run = gateway(Map.of("GATEWAY_JAR", dir.resolve("missing.jar").toString()), "--dry-run");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.output()).contains("no jar");
    }

    private static String key(String dryRun) {
        return dryRun.replaceAll("(?s).*-XX:AOTCache=(\\S+)/app\\.aot.*", "$1");
    }
}
