package dev.wagateway.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Checks a directory of Camel YAML DSL route files before the gateway loads them, without starting it:
 * <ol>
 * <li>YAML syntax, and each file against the Camel YAML DSL JSON schema of the Camel version on the classpath
 * ({@link RouteSchema});</li>
 * <li>what a schema cannot see, across all files: a {@code direct:} or {@code seda:} endpoint sent to ({@code to},
 * {@code toD} with a static URI, {@code wireTap}, {@code enrich}, {@code pollEnrich}) that no route consumes; a
 * bean named in {@code bean: ref:}, {@code process: ref:} or a {@code bean:} URI that the gateway does not define;
 * a route id (or route template or route configuration id) used twice; a {@code routeConfigurationId} that names
 * no route configuration; a key written twice in one mapping; an endpoint the Java side sends to that no route
 * consumes ({@link JavaSide});</li>
 * <li>a {@code .yml} file: the gateway loads only {@code *.yaml}, so it would be silently left out.</li>
 * </ol>
 * The gateway loads the directory's {@code *.yaml} files as one set, so that is what is checked.
 */
public final class RoutesValidator {

    private static final Set<String> PRODUCERS = Set.of("to", "toD", "wireTap", "enrich", "pollEnrich");
    private static final Set<String> DYNAMIC_CAPABLE = Set.of("toD", "wireTap", "enrich", "pollEnrich");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{.*?}}");

    private final Set<String> beanNames;
    private final List<String> requiredConsumers;

    /** With what the gateway's Java code defines ({@link JavaSide}). */
    public RoutesValidator() {
        this(JavaSide.beanNames(), JavaSide.REQUIRED_CONSUMERS);
    }

    RoutesValidator(Set<String> beanNames, List<String> requiredConsumers) {
        this.beanNames = beanNames;
        this.requiredConsumers = requiredConsumers;
    }

    /** Every problem in the directory's route files, in file and line order; empty when they are fit to load. */
    public List<RouteProblem> validate(Path dir) throws IOException {
        List<Path> yaml;
        List<RouteProblem> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(Files::isRegularFile).sorted().toList();
            yaml = all.stream().filter(f -> f.getFileName().toString().endsWith(".yaml")).toList();
            all.stream().filter(f -> f.getFileName().toString().endsWith(".yml")).forEach(f -> problems.add(
                    new RouteProblem(f, 0, "the gateway loads only *.yaml files: rename it to .yaml or it is ignored")));
        }
        Index index = new Index();
        for (Path file : yaml) {
            YamlTree tree;
            try {
                tree = YamlTree.parse(file);
            } catch (MarkedYamlEngineException e) {
                int line = e.getProblemMark().or(e::getContextMark).map(m -> m.getLine() + 1).orElse(0);
                problems.add(new RouteProblem(file, line, "YAML syntax: " + firstLine(e.getProblem() != null ? e.getProblem() : e.getMessage())));
                continue;
            } catch (YamlEngineException e) {
                problems.add(new RouteProblem(file, 0, "YAML: " + firstLine(e.getMessage())));
                continue;
            }
            tree.duplicateKeys.forEach((pointer, line) -> problems.add(new RouteProblem(file, line,
                    "key '" + lastSegment(pointer) + "' written twice in one mapping (only the last one counts)")));
            for (RouteSchema.Violation v : RouteSchema.validate(tree.root)) {
                problems.add(new RouteProblem(file, tree.line(v.pointer()), v.message()));
            }
            index.collect(file, tree);
        }
        problems.addAll(crossCheck(index, dir));
        problems.sort(Comparator.comparing((RouteProblem p) -> p.file().toString()).thenComparingInt(RouteProblem::line));
        return problems;
    }

    private List<RouteProblem> crossCheck(Index index, Path dir) {
        List<RouteProblem> problems = new ArrayList<>();
        index.ids.forEach((kind, seen) -> seen.forEach((id, places) -> {
            for (int i = 1; i < places.size(); i++) {
                Place first = places.get(0);
                problems.add(places.get(i).problem(kind + " id '" + id + "' is already used at " + first));
            }
        }));
        for (Ref send : index.sends) {
            if (!index.consumes(send.name())) {
                String hint = index.closest(send.name()).map(c -> "; did you mean " + c + "?").orElse("");
                problems.add(send.place().problem("no route consumes " + send.name() + " (no from: has it)" + hint));
            }
        }
        for (Ref bean : index.beans) {
            if (!beanNames.contains(bean.name()) && !index.yamlBeans.contains(bean.name())) {
                String hint = closest(bean.name(), beanNames).map(c -> " (did you mean " + c + "?)").orElse("");
                problems.add(bean.place().problem("bean '" + bean.name() + "' is not defined by the gateway" + hint));
            }
        }
        for (Ref config : index.configRefs) {
            if (!index.ids.getOrDefault("route configuration", Map.of()).containsKey(config.name())) {
                problems.add(config.place().problem("routeConfigurationId '" + config.name() + "' names no routeConfiguration"));
            }
        }
        if (index.files > 0) {
            for (String endpoint : requiredConsumers) {
                if (!index.consumes(endpoint)) {
                    problems.add(new RouteProblem(dir, 0, "no route consumes " + endpoint + ", and "
                            + JavaSide.REQUIRED_BECAUSE.getOrDefault(endpoint, "the gateway's Java code sends to it")));
                }
            }
        }
        return problems;
    }

    private record Place(Path file, int line) {
        RouteProblem problem(String message) {
            return new RouteProblem(file, line, message);
        }

        @Override
        public String toString() {
            return file.getFileName() + ":" + line;
        }
    }

    private record Ref(String name, Place place) {
    }

    /** Everything the cross-checks need, gathered from all files. */
    private static final class Index {
        int files;
        final Map<String, Map<String, List<Place>>> ids = new LinkedHashMap<>();
        final Set<String> consumers = new TreeSet<>();
        final List<Pattern> consumerPatterns = new ArrayList<>();
        final List<Ref> sends = new ArrayList<>();
        final List<Ref> beans = new ArrayList<>();
        final List<Ref> configRefs = new ArrayList<>();
        final Set<String> yamlBeans = new TreeSet<>();

        void collect(Path file, YamlTree tree) {
            files++;
            if (!tree.root.isArray()) {
                return;
            }
            for (int i = 0; i < tree.root.size(); i++) {
                JsonNode item = tree.root.get(i);
                String at = YamlTree.child("", i);
                id(file, tree, item, "route", "route", at);
                id(file, tree, item, "routeTemplate", "route template", at);
                id(file, tree, item, "routeConfiguration", "route configuration", at);
                JsonNode declared = item.path("beans");
                if (declared.isArray()) {
                    declared.forEach(b -> yamlBeans.add(b.path("name").asText()));
                }
                walk(file, tree, item, at, item.has("routeTemplate"));
            }
        }

        private void id(Path file, YamlTree tree, JsonNode item, String key, String kind, String at) {
            JsonNode id = item.path(key).path("id");
            if (id.isTextual()) {
                ids.computeIfAbsent(kind, k -> new LinkedHashMap<>()).computeIfAbsent(id.asText(), k -> new ArrayList<>())
                        .add(new Place(file, tree.line(YamlTree.child(YamlTree.child(at, key), "id"))));
            }
        }

        private void walk(Path file, YamlTree tree, JsonNode node, String pointer, boolean inTemplate) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(file, tree, node.get(i), YamlTree.child(pointer, i), inTemplate);
                }
                return;
            }
            if (!node.isObject()) {
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                JsonNode value = field.getValue();
                String at = YamlTree.child(pointer, key);
                Place place = new Place(file, tree.line(at));
                if ("from".equals(key)) {
                    consumer(uri(value));
                } else if (PRODUCERS.contains(key)) {
                    String uri = uri(value);
                    if (uri != null && !(DYNAMIC_CAPABLE.contains(key) && uri.contains("${"))) {
                        producer(uri, place, inTemplate);
                    }
                } else if (("bean".equals(key) || "process".equals(key)) && value.path("ref").isTextual()) {
                    bean(value.path("ref").asText(), new Place(file, tree.line(YamlTree.child(at, "ref"))));
                } else if ("routeConfigurationId".equals(key) && value.isTextual()) {
                    for (String id : value.asText().split(",")) {
                        String name = id.trim();
                        if (!name.isEmpty() && !name.contains("*") && !name.contains("{{")) {
                            configRefs.add(new Ref(name, place));
                        }
                    }
                }
                walk(file, tree, value, at, inTemplate);
            }
        }

        private static String uri(JsonNode value) {
            if (value.isTextual()) {
                return value.asText();
            }
            return value.path("uri").isTextual() ? value.path("uri").asText() : null;
        }

        private void consumer(String uri) {
            String name = endpoint(uri);
            if (name == null) {
                return;
            }
            if (PLACEHOLDER.matcher(name).find()) {
                // a template's or a configured endpoint: {{x}} stands for any text
                StringBuilder regex = new StringBuilder();
                Matcher m = PLACEHOLDER.matcher(name);
                int last = 0;
                while (m.find()) {
                    regex.append(Pattern.quote(name.substring(last, m.start()))).append(".+");
                    last = m.end();
                }
                regex.append(Pattern.quote(name.substring(last)));
                consumerPatterns.add(Pattern.compile(regex.toString()));
            } else {
                consumers.add(name);
            }
        }

        private void producer(String uri, Place place, boolean inTemplate) {
            if (uri.contains("{{")) {
                return; // resolved from the configuration or a template parameter: not knowable here
            }
            String name = endpoint(uri);
            if (name != null) {
                sends.add(new Ref(name, place));
            } else if (uri.startsWith("bean:")) {
                String bean = uri.substring("bean:".length()).split("\\?", 2)[0];
                if (!bean.isEmpty() && !bean.contains("${")) {
                    beans.add(new Ref(bean, place));
                }
            }
        }

        private void bean(String ref, Place place) {
            if (!ref.contains("{{") && !ref.startsWith("#")) {
                beans.add(new Ref(ref, place));
            }
        }

        /** {@code direct:name} or {@code seda:name} without options, or null for any other component. */
        private static String endpoint(String uri) {
            if (uri == null) {
                return null;
            }
            int colon = uri.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String scheme = uri.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (!scheme.equals("direct") && !scheme.equals("seda")) {
                return null;
            }
            String rest = uri.substring(colon + 1);
            if (rest.startsWith("//")) {
                rest = rest.substring(2);
            }
            return scheme + ":" + rest.split("\\?", 2)[0];
        }

        boolean consumes(String endpoint) {
            return consumers.contains(endpoint) || consumerPatterns.stream().anyMatch(p -> p.matcher(endpoint).matches());
        }

        java.util.Optional<String> closest(String endpoint) {
            return RoutesValidator.closest(endpoint, consumers);
        }
    }

    /** The known name nearest to a misspelt one (at most two edits away), for a "did you mean". */
    static java.util.Optional<String> closest(String name, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return java.util.Optional.ofNullable(best);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String lastSegment(String pointer) {
        return pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.strip().lines().findFirst().orElse("");
    }
}
