package dev.wagateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * README.md and docs/ link to each other by file and heading: every relative link must name a file that exists and,
 * with a {@code #fragment}, a heading of that file (GitHub's anchor of it), so moving a section cannot leave a
 * reader at a dead link.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    @Test
    void everyRelativeLinkInTheDocsResolves() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.toAbsolutePath().getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchors(Files.readString(resolved)).contains(target.substring(hash + 1))) {
                    broken.add(page + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    void anchorsAreGitHubs() {
        assertThat(anchors("## Write to a table of your own (`jdbc:`)\n## Running more than one\n## Results\n### Results\n"))
                .contains("write-to-a-table-of-your-own-jdbc", "running-more-than-one", "results", "results-1");
    }

    @Test
    void aLinkWhoseTextIsWrappedOntoTheNextLineIsStillALink() {
        assertThat(links("see [Checking routes before they\n  run](#checking-routes-before-they-run).\n```\n[x](in-code.md)\n```\n"))
                .containsExactly("#checking-routes-before-they-run");
    }

    /** Link targets outside fenced code blocks; a link's text may be wrapped across lines, as prose is. */
    static List<String> links(String markdown) {
        StringBuilder prose = new StringBuilder();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                prose.append(line).append('\n');
            }
        }
        List<String> targets = new ArrayList<>();
        Matcher m = LINK.matcher(prose);
        while (m.find()) {
            targets.add(m.group(1));
        }
        return targets;
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2, … */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("^#{1,6} .*")) {
                String text = line.replaceFirst("^#+ ", "").toLowerCase(Locale.ROOT);
                String anchor = text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
                int repeats = seen.merge(anchor, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? anchor : anchor + "-" + repeats);
            }
        }
        return anchors;
    }
}
