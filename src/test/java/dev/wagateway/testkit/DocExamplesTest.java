package dev.wagateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * docs/routes.md's "Testing your routes" shows a route file and its test; these are the files the build runs
 * (VipOutputRouteIT), so a change to either that is not made in docs/routes.md too fails here.
 */
class DocExamplesTest {

    @Test
    void theTestKitExampleInTheDocsIsTheOneInTheRepository() throws IOException {
        String page = Files.readString(Path.of("docs/routes.md"));
        int marker = page.indexOf("<!-- testkit-example -->");
        assertThat(marker).as("docs/routes.md marker <!-- testkit-example -->").isNotNegative();

        assertThat(block(page, "```yaml", marker))
                .isEqualTo(Files.readString(Path.of("src/test/resources/testkit/vip-output.yaml")));
        assertThat(block(page, "```java", marker))
                .isEqualTo(Files.readString(Path.of("src/test/java/dev/wagateway/testkit/VipOutputRouteIT.java")));
    }

    private static String block(String page, String fence, int from) {
        int start = page.indexOf(fence + "\n", from);
        assertThat(start).as(fence + " block after the marker").isNotNegative();
        start += fence.length() + 1;
        return page.substring(start, page.indexOf("```\n", start));
    }
}
