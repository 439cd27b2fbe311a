package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.yaml.snakeyaml.Yaml;

import dev.wagateway.api.ActuatorGuard;
import dev.wagateway.config.GatewayEnvironment;
import dev.wagateway.support.DeclaredSettings;

/**
 * deploy/kubernetes says what the application reads and does: its port, its probe paths, its environment names, how
 * long its stop takes, where its routes are. Read as YAML, against the declared settings (environment-aliases.properties,
 * application.yml, the fields' defaults) and docs/configuration.md; no
 * cluster is needed. Where kubectl is installed (its kustomize needs no cluster either) the kustomization is built
 * too; without it that one test is skipped and the rest still check every manifest.
 */
class KubernetesManifestsTest {

    private static final Path DIR = Path.of("deploy/kubernetes");
    private static final Path APPLICATION_YML = Path.of("src/main/resources/application.yml");

    @Test
    void theContainerAndTheServiceUseTheApplicationsPort() throws IOException {
        int port = Integer.parseInt(DeclaredSettings.defaultOf("server.port"));
        Map<String, Object> container = container();
        Map<String, Object> http = only(list(container, "ports"));
        assertThat(http).containsEntry("name", "http").containsEntry("containerPort", port);
        assertThat(env(container)).as("SERVER_PORT left at its default").doesNotContainKey("SERVER_PORT");

        Map<String, Object> servicePort = only(list(load("service.yaml"), "spec.ports"));
        assertThat(servicePort).containsEntry("port", port).containsEntry("targetPort", "http");
    }

    @Test
    void theProbesAreTheActuatorsHealthGroupsThatAnswerAnonymously() throws Exception {
        Map<String, Object> yml = applicationYml();
        assertThat(get(yml, "management.endpoint.health.probes.enabled")).isEqualTo(true);
        assertThat(map(yml, "management.endpoint.health.group")).containsKey("readiness");
        assertThat(get(yml, "management.endpoints.web.base-path")).as("actuator base path left at /actuator").isNull();
        assertThat(get(yml, "management.server.port")).as("actuator on the application's port").isNull();
        String base = "/actuator";

        Map<String, Object> container = container();
        assertThat(env(container)).doesNotContainKey("MANAGEMENT_SERVER_PORT");
        Map<String, String> paths = new HashMap<>();
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            Map<String, Object> httpGet = map(container, probe + ".httpGet");
            assertThat(httpGet).as(probe).containsEntry("port", "http");
            paths.put(probe, (String) httpGet.get("path"));
        }
        assertThat(paths).containsEntry("readinessProbe", base + "/health/readiness")
                .containsEntry("livenessProbe", base + "/health/liveness")
                .containsEntry("startupProbe", base + "/health/liveness");

        // The kubelet sends no key: api.ActuatorGuard must serve these paths to an anonymous GET, status only.
        ActuatorGuard guard = new ActuatorGuard(null, base);
        for (String path : Set.copyOf(paths.values())) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
            request.setServletPath(path);
            MockHttpServletResponse response = new MockHttpServletResponse();
            guard.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void service(jakarta.servlet.http.HttpServletRequest req,
                        jakarta.servlet.http.HttpServletResponse res) throws IOException {
                    res.setStatus(200);
                    res.getOutputStream()
                            .write("{\"status\":\"UP\",\"components\":{}}".getBytes(StandardCharsets.UTF_8));
                }
            }));
            assertThat(response.getStatus()).as(path).isEqualTo(200);
            assertThat(response.getContentAsString()).as(path).isEqualTo("{\"status\":\"UP\"}");
        }
    }

    @Test
    void everyEnvironmentNameIsOneTheGatewayReads() throws IOException {
        Set<String> documented = documentedVariables();
        assertThat(documented).as("variables in docs/configuration.md").hasSizeGreaterThan(40);
        Map<String, Map<String, Object>> env = env(container());
        assertThat(env.keySet()).as("the Deployment's env").isSubsetOf(documented)
                .isSubsetOf(DeclaredSettings.aliases().keySet());

        List<String> exampleNames = new ArrayList<>();
        Set<String> exampleSet = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^(#?)([A-Z][A-Z0-9_]*)=")
                .matcher(Files.readString(DIR.resolve("secret.env.example")));
        while (m.find()) {
            exampleNames.add(m.group(2));
            if (m.group(1).isEmpty()) {
                exampleSet.add(m.group(2));
            }
        }
        assertThat(exampleNames).as("names in secret.env.example").isSubsetOf(documented).doesNotHaveDuplicates();

        String secretName = (String) only(list(load("kustomization.yaml"), "secretGenerator")).get("name");
        List<String> fromSecret = new ArrayList<>();
        env.forEach((name, entry) -> {
            Map<String, Object> ref = map(entry, "valueFrom.secretKeyRef");
            if (ref == null) {
                return;
            }
            fromSecret.add(name);
            assertThat(ref).as(name).containsEntry("name", secretName).containsEntry("key", name);
            assertThat(exampleNames).as("%s in secret.env.example", name).contains(name);
            if (!Boolean.TRUE.equals(ref.get("optional"))) {
                assertThat(exampleSet).as("required %s set in secret.env.example", name).contains(name);
            }
        });
        assertThat(fromSecret).contains("DATABASE_URL", "WHATSAPP_WEBHOOK_SECRET", "WHATSAPP_API_KEY", "ADMIN_API_KEY");
        assertThat(exampleNames).as("every name of the example reaches the pod")
                .containsExactlyInAnyOrderElementsOf(fromSecret);
        // Two pods on an embedded database each would be two gateways that know nothing of each other.
        assertThat(map(env.get("DATABASE_URL"), "valueFrom.secretKeyRef")).doesNotContainEntry("optional", true);
    }

    @Test
    void theRoutesDirectoryIsTheConfigMapOfTheRepositorysRoutes() throws IOException {
        Map<String, Object> container = container();
        String routesDir = (String) env(container).get("ROUTES_DIR").get("value");
        Map<String, Object> mount = mount(container, routesDir);
        assertThat(mount).containsEntry("readOnly", true);
        Map<String, Object> volume = volume((String) mount.get("name"));
        String configMap = (String) map(volume, "configMap").get("name");

        Map<String, Object> routesBase = new Yaml().load(Files.readString(Path.of("routes/Kustomization")));
        Map<String, Object> generator = only(list(routesBase, "configMapGenerator"));
        assertThat(generator).containsEntry("name", configMap);
        List<String> shipped;
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            shipped = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
        assertThat(shipped).hasSizeGreaterThan(5);
        assertThat(list(generator, "files")).as("routes/Kustomization lists every routes/*.yaml")
                .containsExactlyInAnyOrderElementsOf(shipped);

        List<Object> resources = list(load("kustomization.yaml"), "resources");
        assertThat(resources).contains("../../routes");
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> manifests = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).toList();
            assertThat(resources).as("every manifest applied").containsAll(manifests);
        }

        String dataDir = (String) env(container).get("DATA_DIR").get("value");
        assertThat(get(volume((String) mount(container, dataDir).get("name")), "persistentVolumeClaim.claimName"))
                .isEqualTo(map(load("pvc.yaml"), "metadata").get("name"));
        assertThat((String) env(container).get("MEDIA_DIR").get("value")).startsWith(dataDir + "/");
    }

    /**
     * A ConfigMap volume is not plain files: each name is a symlink into {@code ..data/}, itself a symlink to a
     * timestamped directory swapped on update. The pattern GatewayEnvironment derives from ROUTES_DIR must find each
     * route once, through the links, and not the hidden directories' copies.
     */
    @Test
    void routesMountedAsAConfigMapVolumeAreEachFoundOnce(@TempDir Path mountPoint) throws Exception {
        Path version = Files.createDirectory(mountPoint.resolve("..2026_12_06_23_00_00.123456789"));
        List<String> names;
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
        }
        for (String name : names) {
            Files.copy(Path.of("routes", name), version.resolve(name));
        }
        Files.createSymbolicLink(mountPoint.resolve("..data"), version.getFileName());
        for (String name : names) {
            Files.createSymbolicLink(mountPoint.resolve(name), Path.of("..data", name));
        }

        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("pod", Map.of("ROUTES_DIR", mountPoint.toString())));
        new GatewayEnvironment(Supplier::get).postProcessEnvironment(env, new SpringApplication());
        String pattern = env.getProperty("camel.main.routes-include-pattern");
        assertThat(pattern).isEqualTo("file:" + mountPoint.toAbsolutePath().normalize() + "/*.yaml");

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Collection<Resource> found = PluginHelper.getPackageScanResourceResolver(camel).findResources(pattern);
            List<String> loaded = found.stream().map(r -> Path.of(r.getLocation().substring("file:".length())))
                    .map(p -> mountPoint.relativize(p.toAbsolutePath()).toString()).sorted().toList();
            assertThat(loaded).containsExactlyElementsOf(names);
            for (Resource r : found) {
                assertThat(r.exists()).isTrue();
            }
        }
    }

    @Test
    void aStoppingPodLeavesTheServiceFirstAndIsGivenLongerThanTheGracefulStop() throws IOException {
        Map<String, Object> spec = podSpec();
        Map<String, Object> container = container();
        List<Object> preStop = list(container, "lifecycle.preStop.exec.command");
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        Duration pause = Duration.ofSeconds(Long.parseLong((String) preStop.get(1)));
        assertThat(pause).as("preStop pause").isGreaterThanOrEqualTo(Duration.ofSeconds(5));

        assertThat(DeclaredSettings.defaultOf("server.shutdown")).isEqualTo("graceful");
        Duration timeout = setting(container, "spring.lifecycle.timeout-per-shutdown-phase");
        Duration drain = setting(container, "gateway.shutdown.drain-delay");
        Duration grace = Duration.ofSeconds(((Number) spec.get("terminationGracePeriodSeconds")).longValue());
        // The pause counts against the grace period; then the drain and the phases the timeout bounds (the web
        // server's requests in flight, and the outbox workers, Camel and the writers after it): as for systemd.
        assertThat(grace).as("terminationGracePeriodSeconds")
                .isGreaterThan(pause.plus(drain).plus(timeout.multipliedBy(2)));

        // Liveness is answered by a request thread: it must wait out a webhook that holds one until its commit
        // times out, or a slow database would get pods restarted that cannot help.
        Map<String, Object> liveness = map(container, "livenessProbe");
        Duration tolerated = Duration.ofSeconds(((Number) liveness.get("periodSeconds")).longValue()
                * ((Number) liveness.get("failureThreshold")).longValue());
        assertThat(tolerated).isGreaterThan(setting(container, "gateway.archive.commit-timeout"));
    }

    @Test
    void aRolloutOrADrainKeepsOnePodReady() throws IOException {
        Map<String, Object> deployment = load("deployment.yaml");
        assertThat(get(deployment, "spec.replicas")).isEqualTo(2);
        assertThat(get(deployment, "spec.strategy.type")).isEqualTo("RollingUpdate");
        assertThat(get(deployment, "spec.strategy.rollingUpdate.maxUnavailable")).isEqualTo(0);
        assertThat(get(deployment, "spec.strategy.rollingUpdate.maxSurge")).isEqualTo(1);

        Map<String, Object> selector = map(deployment, "spec.selector.matchLabels");
        assertThat(selector).isNotEmpty();
        assertThat(map(deployment, "spec.template.metadata.labels")).containsAllEntriesOf(selector);

        Map<String, Object> pdb = load("pdb.yaml");
        assertThat(get(pdb, "spec.minAvailable")).isEqualTo(1);
        assertThat(map(pdb, "spec.selector.matchLabels")).isEqualTo(selector);
        assertThat(map(load("service.yaml"), "spec.selector")).isEqualTo(selector);
    }

    @Test
    void theImageRunsAsItsEntryPointWithoutRootOnAReadOnlyRoot() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertThat(dockerfile).contains("ENTRYPOINT [\"/app/tools/gateway\"]").contains("WORKDIR /app");
        Map<String, Object> container = container();
        assertThat(container).doesNotContainKeys("command", "args");

        Map<String, Object> pod = map(podSpec(), "securityContext");
        assertThat(pod).containsEntry("runAsNonRoot", true);
        assertThat(((Number) pod.get("runAsUser")).intValue()).isPositive();
        assertThat(map(container, "securityContext")).containsEntry("allowPrivilegeEscalation", false)
                .containsEntry("readOnlyRootFilesystem", true);
        assertThat(list(container, "securityContext.capabilities.drop")).containsExactly("ALL");
        // What does get written: Tomcat's and the JVM's temporary files, and the data directory.
        assertThat(map(volume((String) mount(container, "/tmp").get("name")), "emptyDir")).isNotNull();
        assertThat(podSpec()).containsEntry("enableServiceLinks", false);
    }

    /** The kustomization as kubectl builds it: the generated names are hashed and the Deployment uses them. */
    @Test
    void kubectlBuildsTheKustomization(@TempDir Path copy) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl not installed");
        for (Path file : List.of(Path.of("routes"), DIR)) {
            Files.createDirectories(copy.resolve(file));
            try (Stream<Path> files = Files.list(file)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, copy.resolve(f.toString()));
                }
            }
        }
        Path kustomization = copy.resolve(DIR);
        Files.copy(kustomization.resolve("secret.env.example"), kustomization.resolve("secret.env"),
                StandardCopyOption.REPLACE_EXISTING);
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", kustomization.toString())
                .redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as(out).isZero();

        Map<String, Map<String, Object>> byKind = new HashMap<>();
        for (Object doc : new Yaml().loadAll(out)) {
            Map<String, Object> resource = cast(doc);
            assertThat(byKind.put((String) resource.get("kind"), resource)).as("one of each kind").isNull();
        }
        assertThat(byKind.keySet()).containsExactlyInAnyOrder("ConfigMap", "Secret", "Service", "PersistentVolumeClaim",
                "Deployment", "PodDisruptionBudget");
        String configMap = (String) map(byKind.get("ConfigMap"), "metadata").get("name");
        String secret = (String) map(byKind.get("Secret"), "metadata").get("name");
        assertThat(configMap).matches("wagateway-routes-[a-z0-9]{10}");
        assertThat(secret).matches("wagateway-secrets-[a-z0-9]{10}");
        assertThat(map(byKind.get("ConfigMap"), "data").keySet()).contains("intake.yaml")
                .doesNotContain("Kustomization");
        assertThat(map(byKind.get("Secret"), "data").keySet()).contains("DATABASE_URL");
        assertThat(out).contains("name: " + configMap + "\n").contains("name: " + secret + "\n")
                .doesNotContain("name: wagateway-routes\n").doesNotContain("name: wagateway-secrets\n");
    }

    // --- reading ---

    private static Map<String, Object> load(String file) throws IOException {
        return new Yaml().load(Files.readString(DIR.resolve(file)));
    }

    private static Map<String, Object> podSpec() throws IOException {
        return map(load("deployment.yaml"), "spec.template.spec");
    }

    private static Map<String, Object> container() throws IOException {
        return only(list(podSpec(), "containers"));
    }

    /** The container's env entries by name. */
    private static Map<String, Map<String, Object>> env(Map<String, Object> container) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Object e : list(container, "env")) {
            Map<String, Object> entry = cast(e);
            assertThat(out.put((String) entry.get("name"), entry)).as("env %s set once", entry.get("name")).isNull();
        }
        assertThat(container).as("names only from env").doesNotContainKey("envFrom");
        return out;
    }

    private static Map<String, Object> mount(Map<String, Object> container, String path) {
        return list(container, "volumeMounts").stream().map(KubernetesManifestsTest::cast)
                .filter(m -> path.equals(m.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted at " + path));
    }

    private static Map<String, Object> volume(String name) throws IOException {
        return list(podSpec(), "volumes").stream().map(KubernetesManifestsTest::cast)
                .filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static Map<String, Object> applicationYml() throws IOException {
        return new Yaml().load(Files.readString(APPLICATION_YML));
    }

    /** A duration setting as the pod gets it: the Deployment's env when it sets the variable, else the default. */
    private static Duration setting(Map<String, Object> container, String property) {
        Map<String, Object> set = env(container).get(DeclaredSettings.variableOf(property));
        String value = set == null ? DeclaredSettings.defaultOf(property) : (String) set.get("value");
        assertThat(value).as("%s's default", property).isNotNull();
        return DurationStyle.detectAndParse(value);
    }

    /** The variable column of docs/configuration.md's generated table (ConfigurationDocTest keeps it current). */
    private static Set<String> documentedVariables() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\| `")
                .matcher(Files.readString(Path.of("docs/configuration.md")));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static Object get(Map<String, Object> tree, String dotted) {
        Object node = tree;
        for (String key : dotted.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    private static Map<String, Object> map(Map<String, Object> tree, String dotted) {
        Object node = get(tree, dotted);
        return node == null ? null : cast(node);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> tree, String dotted) {
        Object node = get(tree, dotted);
        assertThat(node).as(dotted).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    private static Map<String, Object> only(List<Object> items) {
        assertThat(items).hasSize(1);
        return cast(items.get(0));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object node) {
        assertThat(node).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
