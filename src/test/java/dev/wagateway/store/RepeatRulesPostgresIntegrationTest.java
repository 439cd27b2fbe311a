package dev.wagateway.store;

import java.io.IOException;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.wagateway.support.TestPostgres;

/** The repeat rules on PostgreSQL. */
class RepeatRulesPostgresIntegrationTest extends RepeatRulesScenarios {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws IOException {
        String url = TestPostgres.createDatabase("repeats");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
        registry.add("spring.datasource.password", () -> TestPostgres.PASSWORD);
        forwardTo(registry);
    }
}
