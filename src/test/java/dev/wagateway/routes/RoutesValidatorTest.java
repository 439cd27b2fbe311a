package dev.wagateway.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route checker on the shipped routes (they must pass, or the build fails: routes are checked before they run)
 * and on routes-broken/, one mistake of each kind, each found at its file and line.
 */
class RoutesValidatorTest {

    private static final Path SHIPPED = Path.of("routes");
    private static final Path BROKEN = Path.of("src/test/resources/routes-broken");

    private final RoutesValidator validator = new RoutesValidator();

    @Test
    void everyShippedRouteFilePassesTheSchemaAndTheCrossChecks() throws IOException {
        assertThat(validator.validate(SHIPPED)).isEmpty();
    }

    @Test
    void everyShippedRouteFileNamesTheSchemaOfTheCamelVersionItRunsOn() throws IOException {
        String expected = "# yaml-language-server: $schema=https://raw.githubusercontent.com/apache/camel/camel-"
                + camelVersion() + "/dsl/camel-yaml-dsl/camel-yaml-dsl/src/generated/resources/schema/camelYamlDsl.json";
        try (Stream<Path> files = Files.list(SHIPPED)) {
            List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(yaml).isNotEmpty();
            for (Path file : yaml) {
                assertThat(Files.readAllLines(file).get(0)).as(file + " line 1").isEqualTo(expected);
            }
        }
    }

    @Test
    void findsEachMistakeOfTheBrokenRoutesAtItsFileAndLine() throws IOException {
        List<String> problems = validator.validate(BROKEN).stream().map(RouteProblem::toString).toList();

        assertThat(problems).containsExactlyInAnyOrder(
                // schema: a misspelt option, on the line of the misspelt key
                BROKEN.resolve("schema-errors.yaml") + ":10: unknown property 'methd' in route.from.steps[0].bean"
                        + " (not in the Camel YAML DSL schema)",
                // schema: a value of the wrong type
                BROKEN.resolve("schema-errors.yaml") + ":13: array found, string expected at route.from.steps[1].log.loggingLevel",
                // a direct: endpoint nobody consumes, with the near miss
                BROKEN.resolve("messages.yaml") + ":8: no route consumes direct:upsert-mesage (no from: has it);"
                        + " did you mean direct:upsert-message?",
                // bean refs the gateway does not define
                BROKEN.resolve("beans.yaml") + ":9: bean 'messageColumn' is not defined by the gateway"
                        + " (did you mean messageColumns?)",
                BROKEN.resolve("beans.yaml") + ":12: bean 'noSuchProcessor' is not defined by the gateway",
                // a route id used in two files
                BROKEN.resolve("messages.yaml") + ":11: route id 'upsert-message' is already used at duplicate.yaml:4",
                // a file the gateway would not load
                BROKEN.resolve("extra.yml") + ": the gateway loads only *.yaml files: rename it to .yaml or it is ignored");
    }

    @Test
    void aDirectEndpointOfARouteTemplateCountsAsConsumedWhateverItsParameter(@TempDir Path dir) throws IOException {
        write(dir, "router.yaml", """
                - route:
                    id: route-event
                    from:
                      uri: direct:route-event
                      steps:
                        - to: direct:deliver-audit
                        - to: seda:deliver
                - routeTemplate:
                    id: delivery
                    parameters:
                      - name: output
                    route:
                      from:
                        uri: "direct:deliver-{{output}}"
                        steps:
                          - log: "{{output}}"
                """);

        assertThat(validator.validate(dir)).extracting(RouteProblem::toString).containsExactly(
                dir.resolve("router.yaml") + ":7: no route consumes seda:deliver (no from: has it)");
    }

    @Test
    void aPropertyPlaceholderIsAcceptedWhereTheSchemaWantsABooleanOrANumber(@TempDir Path dir) throws IOException {
        write(dir, "router.yaml", """
                - route:
                    id: route-event
                    autoStartup: "{{gateway.enabled}}"
                    from:
                      uri: direct:route-event
                      steps:
                        - log: "{{gateway.text}}"
                        - to: "{{gateway.target}}"
                """);

        assertThat(validator.validate(dir)).isEmpty();
    }

    @Test
    void routesWithoutAConsumerForWhatTheGatewaySendsAreRefused(@TempDir Path dir) throws IOException {
        write(dir, "router.yaml", """
                - route:
                    id: route-events
                    from:
                      uri: direct:route-events
                      steps:
                        - log: "misnamed"
                """);

        assertThat(validator.validate(dir)).extracting(RouteProblem::toString).containsExactly(
                dir + ": no route consumes direct:route-event, and the gateway sends every stored event there"
                        + " (router.yaml's route-event)");
    }

    @Test
    void yamlSyntaxErrorsAndKeysWrittenTwiceAreReportedWithTheirLine(@TempDir Path dir) throws IOException {
        write(dir, "router.yaml", """
                - route:
                    id: route-event
                    from:
                      uri: direct:other
                      uri: direct:route-event
                      steps:
                        - log: "x"
                """);
        write(dir, "broken.yaml", """
                - route:
                    id: broken
                    from: {uri: direct:x
                  steps: [
                """);

        List<String> problems = validator.validate(dir).stream().map(RouteProblem::toString).toList();
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith(dir.resolve("broken.yaml") + ":4: YAML syntax: ");
        assertThat(problems.get(1)).isEqualTo(dir.resolve("router.yaml")
                + ":5: key 'uri' written twice in one mapping (only the last one counts)");
    }

    @Test
    void theBeanNamesAreTheGatewaysOwnAndNoneFromTests() {
        assertThat(JavaSide.beanNames())
                .contains("rateLimiter", "readApi", "messageColumns", "outputMessages", "deadLetterReplayer",
                        "platform-http-engine", "intakeConfiguration", "sourceNormaliser", "webhookAuthenticator")
                // @Bean methods of a test's @TestConfiguration (SynchronousPlatformHttpIT) are on the
                // test classpath, never in the gateway
                .doesNotContain("dispatchRecorder", "threadNameRoute", "noSuchProcessor");
    }

    private static void write(Path dir, String name, String yaml) throws IOException {
        Files.writeString(dir.resolve(name), yaml);
    }

    private static String camelVersion() throws IOException {
        try (InputStream in = RoutesValidatorTest.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.apache.camel/camel-yaml-dsl/pom.properties")) {
            assertThat(in).as("camel-yaml-dsl's pom.properties").isNotNull();
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        }
    }
}
