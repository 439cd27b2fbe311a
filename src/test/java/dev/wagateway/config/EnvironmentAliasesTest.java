package dev.wagateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.yaml.snakeyaml.Yaml;

import dev.wagateway.outputs.OutputCatalog;
import dev.wagateway.outputs.Outputs;
import dev.wagateway.support.DeclaredSettings;

/**
 * The contract's environment variables (environment-aliases.properties) each set a setting the application has, the
 * deploy files set no other, and config.GatewayEnvironment applies them at the precedence application.yml's
 * {@code ${NAME:default}} placeholders had.
 */
class EnvironmentAliasesTest {

    @Test
    void everyAliasSetsASettingTheApplicationHas() {
        Map<String, String> aliases = EnvironmentAliases.load();
        assertThat(aliases).hasSizeGreaterThan(60).containsEntry("RATE_LIMIT_PER_MINUTE", "gateway.rate-limit.per-minute")
                .containsEntry("FORWARD_URL", "gateway.outputs.http.default.url").containsEntry("SERVER_PORT", "server.port");
        List<String> unknown = aliases.values().stream().filter(p -> !DeclaredSettings.known(p)).toList();
        assertThat(unknown).as("properties no metadata (gateway's, Spring's, Camel's) or output map entry declares").isEmpty();
        assertThat(aliases.keySet()).allMatch(name -> name.matches("[A-Z][A-Z0-9_]*"));
        assertThat(new TreeSet<>(aliases.values())).as("one variable per setting").hasSameSizeAs(aliases.values());
    }

    @Test
    void theDeployFilesSetNoVariableTheGatewayDoesNotRead() throws IOException {
        Set<String> aliases = EnvironmentAliases.load().keySet();
        Map<String, Set<String>> setBy = new LinkedHashMap<>();

        // docker-compose.yml: the services built from this repository (gateway, gateway-a, gateway-b).
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        Set<String> composed = new TreeSet<>();
        cast(compose.get("services")).forEach((name, service) -> {
            Map<String, Object> s = cast(service);
            if (".".equals(s.get("build"))) {
                composed.addAll(cast(s.get("environment")).keySet());
            }
        });
        setBy.put("docker-compose.yml", composed);
        setBy.put("deploy/systemd/env.example", assignments(Path.of("deploy/systemd/env.example")));
        setBy.put("deploy/kubernetes/secret.env.example", assignments(Path.of("deploy/kubernetes/secret.env.example")));
        Map<String, Object> deployment = new Yaml().load(Files.readString(Path.of("deploy/kubernetes/deployment.yaml")));
        Set<String> podEnv = new TreeSet<>();
        for (Object container : list(cast(cast(cast(deployment.get("spec")).get("template")).get("spec")).get("containers"))) {
            for (Object e : list(cast(container).get("env"))) {
                podEnv.add((String) cast(e).get("name"));
            }
        }
        setBy.put("deploy/kubernetes/deployment.yaml", podEnv);

        setBy.forEach((file, names) -> {
            assertThat(names).as("variables set by %s", file).isNotEmpty();
            assertThat(names).as("%s sets only names of environment-aliases.properties", file).isSubsetOf(aliases);
        });
        assertThat(composed).contains("RATE_LIMIT_PER_MINUTE", "TRUSTED_PROXIES", "FORWARD_URL");
    }

    @Test
    void everyAliasSetsItsPropertyOverApplicationYml() {
        Map<String, Object> variables = new HashMap<>();
        EnvironmentAliases.load().keySet().forEach(name -> variables.put(name, "set-by-" + name));
        // Parsed at start-up: it must be a database URL.
        variables.put("DATABASE_URL", "postgresql://gw:pw@db.example:5432/whatsapp");
        StandardEnvironment env = DeclaredSettings.environment(variables);
        EnvironmentAliases.load().forEach((name, property) -> {
            PropertySource<?> first = env.getPropertySources().stream().filter(s -> s.containsProperty(property))
                    .findFirst().orElseThrow();
            if (first.getName().contains("[config/application.properties]")) {
                // The tests' own config file (the pool size) is above the packaged application.yml, so above the alias.
                return;
            }
            assertThat(env.getProperty(property)).as("%s sets %s", name, property).isEqualTo(variables.get(name));
        });
        assertThat(env.getProperty("spring.datasource.url")).isEqualTo("jdbc:postgresql://db.example:5432/whatsapp");
    }

    @Test
    void aliasesChangeTheBoundSettingsAndUnsetOnesLeaveTheDefaults() {
        Binder unset = Binder.get(DeclaredSettings.environment(Map.of()));
        assertThat(unset.bind("gateway.rate-limit.per-minute", Integer.class).isBound()).as("the field's 100").isFalse();
        assertThat(unset.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).get()).hasSeconds(20);
        Outputs outputs = unset.bind("gateway.outputs", Outputs.class).get();
        assertThat(outputs.getHttp()).as("no FORWARD_*: no default endpoint").isEmpty();
        assertThat(outputs.getMail().getEvents()).containsExactly("disconnected", "auth_failure");
        assertThat(new OutputCatalog(outputs).httpSigner("http-default")).isEmpty();

        Binder set = Binder.get(DeclaredSettings.environment(Map.of("RATE_LIMIT_PER_MINUTE", "250",
                "SHUTDOWN_TIMEOUT", "7s", "FORWARD_URL", "http://127.0.0.1:9/hook", "FORWARD_BATCH_SIZE", "5",
                "ALERT_EMAIL_EVENTS", "qr,ready", "TRUSTED_PROXIES", "10.0.0.1/32,10.0.0.2/32", "SERVER_PORT", "9090")));
        assertThat(set.bind("gateway.rate-limit.per-minute", Integer.class).get()).isEqualTo(250);
        assertThat(set.bind("gateway.rate-limit.trusted-proxies", String[].class).get())
                .containsExactly("10.0.0.1/32", "10.0.0.2/32");
        assertThat(set.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class).get()).hasSeconds(7);
        assertThat(set.bind("server.port", Integer.class).get()).isEqualTo(9090);
        outputs = set.bind("gateway.outputs", Outputs.class).get();
        assertThat(outputs.getHttp()).containsOnlyKeys("default");
        assertThat(outputs.getHttp().get("default").getUrl()).isEqualTo("http://127.0.0.1:9/hook");
        assertThat(outputs.getHttp().get("default").getBatchSize()).isEqualTo(5);
        assertThat(outputs.getMail().getEvents()).containsExactly("qr", "ready");
    }

    /**
     * What wins is what won when application.yml said {@code per-minute: ${RATE_LIMIT_PER_MINUTE:100}}: the property
     * set itself (command line, its relaxed environment name, a config file beside the jar) over the variable; the
     * variable read from anywhere in the environment, the command line too.
     */
    @Test
    void anExplicitPropertyStillWinsOverItsAlias(@TempDir Path dir) throws IOException {
        Map<String, Object> alias = Map.of("RATE_LIMIT_PER_MINUTE", "250");
        assertThat(perMinute(DeclaredSettings.environment(alias))).isEqualTo(250);
        assertThat(perMinute(DeclaredSettings.environment(Map.of("RATE_LIMIT_PER_MINUTE", "250",
                "GATEWAY_RATE_LIMIT_PER_MINUTE", "300")))).as("relaxed environment name").isEqualTo(300);
        assertThat(perMinute(DeclaredSettings.environment(alias, "--gateway.rate-limit.per-minute=400")))
                .as("command line").isEqualTo(400);
        Path beside = Files.writeString(dir.resolve("application.yml"), "gateway:\n  rate-limit:\n    per-minute: 500\n");
        assertThat(perMinute(DeclaredSettings.environment(alias, "--spring.config.additional-location=file:" + beside)))
                .as("a config file beside the jar").isEqualTo(500);
        assertThat(perMinute(DeclaredSettings.environment(Map.of(), "--RATE_LIMIT_PER_MINUTE=260")))
                .as("the variable given on the command line").isEqualTo(260);
        // A framework setting application.yml changes: the variable over application.yml's value.
        StandardEnvironment env = DeclaredSettings.environment(Map.of("MAX_HEADER_SIZE", "16KB"));
        assertThat(env.getProperty("server.max-http-request-header-size")).isEqualTo("16KB");
        assertThat(env.getPropertySources().precedenceOf(env.getPropertySources().get(GatewayEnvironment.ALIASES)))
                .as("just above the packaged application.yml").isEqualTo(env.getPropertySources().precedenceOf(
                        env.getPropertySources().stream().filter(s -> s.getName().contains("[application.yml]"))
                                .filter(s -> s.getName().contains("class path resource")).findFirst().orElseThrow()) - 1);
    }

    private static int perMinute(StandardEnvironment env) {
        return Binder.get(env).bind("gateway.rate-limit.per-minute", Integer.class).get();
    }

    private static Set<String> assignments(Path file) throws IOException {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#?([A-Z][A-Z0-9_]*)=").matcher(Files.readString(file));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node) {
        assertThat(node).isInstanceOf(List.class);
        return new ArrayList<>((List<Object>) node);
    }
}
