package dev.wagateway.store;

import java.io.IOException;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** The repeat rules on the embedded database (an H2 file, as a first run without DATABASE_URL uses). */
@TestPropertySource(properties = {"gateway.data-dir=target/repeats-h2", "gateway.media.dir=target/repeats-h2/media"})
class RepeatRulesEmbeddedIT extends RepeatRulesScenarios {

    @DynamicPropertySource
    static void output(DynamicPropertyRegistry registry) throws IOException {
        forwardTo(registry);
    }
}
