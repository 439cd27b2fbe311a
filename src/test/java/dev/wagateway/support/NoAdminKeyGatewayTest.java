package dev.wagateway.support;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.context.TestPropertySource;

/**
 * The gateway without an admin key (blank even where the environment sets ADMIN_API_KEY) and with the metrics
 * exporters on, as in production (Spring Boot tests leave them off otherwise): one application context for the tests
 * of what is off then (the read API, the console, the actuator beyond the health status). Settings of their own would
 * give them a context each again.
 */
@AutoConfigureObservability(tracing = false)
@TestPropertySource(properties = "gateway.api.admin-key=")
public abstract class NoAdminKeyGatewayTest extends PostgresGatewayTest {
}
