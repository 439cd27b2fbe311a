package dev.wagateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.wagateway.GatewayApplication;

/** The command a deploy pipeline runs: one line per problem, and an exit status that stops the pipeline. */
class ValidateRoutesCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void brokenRoutesExitNonZeroWithOneFileAndLinePerProblem() {
        int status = run("--validate-routes", "src/test/resources/routes-broken");

        assertThat(status).isEqualTo(ValidateRoutesCommand.PROBLEMS);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(7).allMatch(l -> l.matches("src/test/resources/routes-broken/[a-z-]+\\.ya?ml(:\\d+)?: .+"));
        assertThat(lines).anyMatch(l -> l.contains("messages.yaml:8: no route consumes direct:upsert-mesage"));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("7 problems");
    }

    @Test
    void theShippedRoutesExitZeroAndPrintNothing() {
        assertThat(run("--validate-routes", "routes")).isEqualTo(ValidateRoutesCommand.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void aMissingDirectoryCannotBeChecked() {
        assertThat(run("--validate-routes", "no-such-dir")).isEqualTo(ValidateRoutesCommand.UNUSABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-dir: not a directory");
    }

    @Test
    void onlyTheOptionAsFirstArgumentAsksForTheCheck() {
        assertThat(ValidateRoutesCommand.requested(new String[] {"--validate-routes"})).isTrue();
        assertThat(ValidateRoutesCommand.requested(new String[] {"--server.port=8081"})).isFalse();
        assertThat(ValidateRoutesCommand.requested(new String[0])).isFalse();
    }

    /** The real entry point, in its own JVM: main exits with the status before Spring (no database is there). */
    @Test
    void theApplicationsMainExitsNonZeroOnBrokenRoutes() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName(), "--validate-routes", "src/test/resources/routes-broken")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("routes-broken/beans.yaml:12: bean 'noSuchProcessor' is not defined by the gateway")
                .doesNotContain("Started GatewayApplication");
    }

    private int run(String... args) {
        return ValidateRoutesCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
