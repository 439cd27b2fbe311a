package dev.wagateway.routes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.NonValidationKeyword;
import com.networknt.schema.path.NodePath;

/**
 * The Camel YAML DSL JSON schema, read from the camel-yaml-dsl jar on the classpath ({@code schema/camelYamlDsl.json}),
 * so it is always the one of the Camel version the gateway runs. It is draft-04.
 *
 * <p>Two things make its raw output unfit to show an engineer, and are handled here: Camel resolves property
 * placeholders ({@code "{{timeoutMs}}"}, {@code "{{gateway.x}}"}) in any option before converting it, so a placeholder
 * where the schema wants a number or a boolean is fine; and the schema is made of {@code oneOf}s (every step has a
 * string and an object form, every expression a choice of 26 languages), so one mistake yields a dozen errors.
 * Only the deepest errors are kept, one per place.
 */
final class RouteSchema {

    static final String RESOURCE = "schema/camelYamlDsl.json";
    private static final int MAX_PLACEHOLDER_PASSES = 50;

    private static volatile Schema schema;

    /** One schema error: where (JSON pointer into the file) and what. */
    record Violation(String pointer, String message) {
    }

    private RouteSchema() {
    }

    static List<Violation> validate(JsonNode document) {
        JsonNode doc = document.deepCopy();
        List<Error> errors = schema().validate(doc);
        // A placeholder where a number or boolean belongs: put a value of that type in its place and look again, so
        // the oneOf around it is judged as Camel would judge the resolved value.
        for (int pass = 0; pass < MAX_PLACEHOLDER_PASSES && replacePlaceholders(doc, errors); pass++) {
            errors = schema().validate(doc);
        }
        return consolidate(errors);
    }

    private static boolean replacePlaceholders(JsonNode doc, List<Error> errors) {
        boolean replaced = false;
        for (Error e : errors) {
            if (!"type".equals(e.getKeyword()) || e.getInstanceNode() == null || !e.getInstanceNode().isTextual()
                    || !e.getInstanceNode().asText().contains("{{")) {
                continue;
            }
            JsonNode stand = standIn(e.getSchemaNode());
            String pointer = pointer(e.getInstanceLocation());
            if (stand != null && !pointer.isEmpty()) {
                JsonPointer at = JsonPointer.compile(pointer);
                JsonNode parent = doc.at(at.head());
                if (parent instanceof ObjectNode o) {
                    o.set(at.last().getMatchingProperty(), stand);
                    replaced = true;
                } else if (parent instanceof ArrayNode a) {
                    a.set(at.last().getMatchingIndex(), stand);
                    replaced = true;
                }
            }
        }
        return replaced;
    }

    private static JsonNode standIn(JsonNode type) {
        String t = type == null ? "" : type.isArray() && !type.isEmpty() ? type.get(0).asText() : type.asText();
        return switch (t) {
            case "boolean" -> BooleanNode.TRUE;
            case "number", "integer" -> IntNode.valueOf(0);
            default -> null;
        };
    }

    /**
     * Keeps the errors at the deepest places (an error at {@code .../bean} whose {@code .../bean/method} is wrong only
     * says that no form of bean fits), and makes one message per place: the unknown properties if any (the usual
     * typo), else the wrong types together, else what is required.
     */
    private static List<Violation> consolidate(List<Error> errors) {
        Map<String, List<Error>> byPlace = new LinkedHashMap<>();
        for (Error e : errors) {
            byPlace.computeIfAbsent(pointer(e.getInstanceLocation()), k -> new ArrayList<>()).add(e);
        }
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, List<Error>> place : byPlace.entrySet()) {
            String p = place.getKey();
            boolean deeper = byPlace.keySet().stream().anyMatch(other -> other.startsWith(p + "/"));
            if (!deeper) {
                violations.addAll(describe(p, place.getValue()));
            }
        }
        return violations;
    }

    private static List<Violation> describe(String pointer, List<Error> errors) {
        List<Violation> out = new ArrayList<>();
        for (Error e : errors) {
            if ("additionalProperties".equals(e.getKeyword())) {
                String property = e.getProperty();
                out.add(new Violation(YamlTree.child(pointer, property),
                        "unknown property '" + property + "'" + where(pointer).replace(" at ", " in ")
                                + " (not in the Camel YAML DSL schema)"));
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        Set<String> types = new LinkedHashSet<>();
        String found = null;
        Set<String> required = new LinkedHashSet<>();
        Set<String> other = new LinkedHashSet<>();
        for (Error e : errors) {
            switch (e.getKeyword()) {
                case "type" -> {
                    JsonNode t = e.getSchemaNode();
                    if (t != null && t.isArray()) {
                        t.forEach(x -> types.add(x.asText()));
                    } else if (t != null) {
                        types.add(t.asText());
                    }
                    found = e.getInstanceNode() == null ? null : jsonType(e.getInstanceNode());
                }
                case "required" -> required.add(e.getProperty());
                case "oneOf", "anyOf", "not" -> {
                    // the summary of the branches described by the other errors at this place
                }
                default -> other.add(e.getMessage());
            }
        }
        if (!types.isEmpty()) {
            out.add(new Violation(pointer, (found == null ? "wrong type" : found + " found")
                    + ", " + String.join(" or ", types) + " expected" + where(pointer)));
        } else if (!required.isEmpty()) {
            out.add(new Violation(pointer, (required.size() == 1 ? "missing required property '" + required.iterator().next() + "'"
                    : "needs one of " + abbreviate(required)) + where(pointer)));
        }
        if (types.isEmpty()) {
            // with a wrong type, "not one of the enumeration" and the like only repeat it
            other.forEach(message -> out.add(new Violation(pointer, message + where(pointer))));
        }
        if (out.isEmpty()) {
            errors.stream().findFirst().ifPresent(e -> out.add(new Violation(pointer, e.getMessage() + where(pointer))));
        }
        return out;
    }

    private static String abbreviate(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        String shown = String.join(", ", list.subList(0, Math.min(list.size(), 8)));
        return list.size() > 8 ? shown + ", ... (" + list.size() + " choices)" : shown;
    }

    /** The place as an engineer reads it: {@code route.from.steps[1].bean} (the file's item number left out). */
    private static String where(String pointer) {
        StringBuilder path = new StringBuilder();
        String[] segments = pointer.split("/");
        for (int i = 2; i < segments.length; i++) {
            String segment = segments[i].replace("~1", "/").replace("~0", "~");
            if (segment.chars().allMatch(Character::isDigit) && !segment.isEmpty()) {
                path.append('[').append(segment).append(']');
            } else {
                path.append(path.length() == 0 ? "" : ".").append(segment);
            }
        }
        return path.length() == 0 ? "" : " at " + path;
    }

    private static String jsonType(JsonNode node) {
        if (node.isTextual()) {
            return "string";
        }
        if (node instanceof ContainerNode<?>) {
            return node.isArray() ? "array" : "object";
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "integer" : "number";
        }
        return node.isBoolean() ? "boolean" : "null";
    }

    static String pointer(NodePath path) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            Object element = path.getElement(i);
            if (element instanceof Integer index) {
                p.append('/').append(index);
            } else {
                p.append('/').append(String.valueOf(element).replace("~", "~0").replace("/", "~1"));
            }
        }
        return p.toString();
    }

    static Schema schema() {
        Schema s = schema;
        if (s == null) {
            synchronized (RouteSchema.class) {
                s = schema;
                if (s == null) {
                    schema = s = load();
                }
            }
        }
        return s;
    }

    private static Schema load() {
        ClassLoader loader = RouteSchema.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath (it ships in camel-yaml-dsl)");
            }
            JsonNode json = new ObjectMapper().readTree(in);
            // "deprecated" is Camel's own annotation, not a draft-04 keyword: known, so not warned about.
            Dialect draft4 = Dialect.builder(Dialects.getDraft4()).keyword(new NonValidationKeyword("deprecated")).build();
            return SchemaRegistry.withDefaultDialect(draft4).getSchema(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
