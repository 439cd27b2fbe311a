package dev.wagateway.store;

import java.io.IOException;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.wagateway.support.TestPostgres;

/** The repeat rules on PostgreSQL. */
class RepeatRulesPostgresIT extends RepeatRulesScenarios {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        TestPostgres.useFreshDatabase(registry, "repeats");
        forwardTo(registry);
    }
}
