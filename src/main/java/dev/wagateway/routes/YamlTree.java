package dev.wagateway.routes;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * A route file as a JSON tree (what the schema validates) plus the line of every node, by JSON pointer
 * ({@code /0/route/from/steps/1/bean}), so a schema error or a cross-check can name the line. Parsed with
 * snakeyaml-engine, the parser Camel's YAML DSL itself uses (YAML 1.2 core schema: {@code yes} is a string).
 */
final class YamlTree {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    final JsonNode root;
    private final Map<String, Integer> lines;
    /** Keys written twice in one mapping (the second silently wins in a YAML load), with their lines. */
    final Map<String, Integer> duplicateKeys;

    private YamlTree(JsonNode root, Map<String, Integer> lines, Map<String, Integer> duplicateKeys) {
        this.root = root;
        this.lines = lines;
        this.duplicateKeys = duplicateKeys;
    }

    /** Throws {@link org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException} on a YAML syntax error. */
    static YamlTree parse(Path file) throws IOException {
        String text = Files.readString(file);
        LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).setLabel(file.toString()).build();
        Optional<Node> document = new Compose(settings).composeString(text);
        Map<String, Integer> lines = new HashMap<>();
        Map<String, Integer> duplicates = new HashMap<>();
        JsonNode root = document.map(node -> convert(node, "", lines, duplicates)).orElse(JSON.nullNode());
        return new YamlTree(root, lines, duplicates);
    }

    /** The 1-based line of the node at this JSON pointer, or of its nearest ancestor that has one; 0 if none. */
    int line(String pointer) {
        String p = pointer;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    static String child(String pointer, String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    static String child(String pointer, int index) {
        return pointer + "/" + index;
    }

    private static JsonNode convert(Node node, String pointer, Map<String, Integer> lines, Map<String, Integer> duplicates) {
        lines.putIfAbsent(pointer, line(node.getStartMark()));
        if (node instanceof MappingNode mapping) {
            ObjectNode object = JSON.objectNode();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(tuple.getKeyNode());
                String childPointer = child(pointer, key);
                if (object.has(key)) {
                    duplicates.put(childPointer, line(tuple.getKeyNode().getStartMark()));
                }
                // The key's line: where an unknown or misspelt property is written.
                lines.put(childPointer, line(tuple.getKeyNode().getStartMark()));
                object.set(key, convert(tuple.getValueNode(), childPointer, lines, duplicates));
            }
            return object;
        }
        if (node instanceof SequenceNode sequence) {
            ArrayNode array = JSON.arrayNode();
            int i = 0;
            for (Node item : sequence.getValue()) {
                array.add(convert(item, child(pointer, i++), lines, duplicates));
            }
            return array;
        }
        return scalar((ScalarNode) node);
    }

    private static JsonNode scalar(ScalarNode scalar) {
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        try {
            if (Tag.NULL.equals(tag)) {
                return JSON.nullNode();
            }
            if (Tag.BOOL.equals(tag)) {
                return JSON.booleanNode(Boolean.parseBoolean(value.toLowerCase(java.util.Locale.ROOT)));
            }
            if (Tag.INT.equals(tag)) {
                String digits = value.startsWith("+") ? value.substring(1) : value;
                if (digits.startsWith("0x")) {
                    return JSON.numberNode(new BigInteger(digits.substring(2), 16));
                }
                if (digits.startsWith("0o")) {
                    return JSON.numberNode(new BigInteger(digits.substring(2), 8));
                }
                return JSON.numberNode(new BigInteger(digits));
            }
            if (Tag.FLOAT.equals(tag)) {
                return JSON.numberNode(new BigDecimal(value));
            }
        } catch (NumberFormatException e) {
            // .inf, .nan and the like: kept as text
        }
        return JSON.textNode(value);
    }

    private static int line(Optional<Mark> mark) {
        return mark.map(m -> m.getLine() + 1).orElse(0);
    }
}
