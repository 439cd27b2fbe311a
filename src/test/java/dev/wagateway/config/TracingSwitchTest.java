package dev.wagateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Tracing is configured only when an OTLP endpoint is set; otherwise Spring Boot's tracing is excluded whole. */
class TracingSwitchTest {

    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addLast(new MapPropertySource("settings", settings));
        env.getPropertySources().addFirst(new GatewayEnvironment.TracingSwitch(env));
        ConfigurationPropertySources.attach(env);
        return env;
    }

    /** As Spring Boot's auto-configuration reads it. */
    private static String[] excluded(StandardEnvironment env) {
        return Binder.get(env).bind("spring.autoconfigure.exclude", String[].class).orElse(new String[0]);
    }

    @Test
    void withoutAnEndpointTheTracerAndExporterAreNotConfigured() {
        StandardEnvironment env = environment(Map.of("management.otlp.tracing.endpoint", ""));
        assertThat(excluded(env)).contains(
                "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.tracing.otlp.OtlpTracingAutoConfiguration");
        assertThat(env.getProperty("logging.expect-correlation-id")).isEqualTo("false");
    }

    @Test
    void anExplicitExclusionIsKept() {
        StandardEnvironment env = environment(Map.of("spring.autoconfigure.exclude", "com.example.Other"));
        assertThat(excluded(env)).contains("com.example.Other",
                "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration");
    }

    @Test
    void anEndpointLeavesSpringBootsTracingAsItIs() {
        StandardEnvironment env = environment(Map.of("management.otlp.tracing.endpoint", "http://127.0.0.1:4318/v1/traces",
                "spring.autoconfigure.exclude", "com.example.Other"));
        assertThat(excluded(env)).containsExactly("com.example.Other");
        assertThat(env.getProperty("logging.expect-correlation-id")).isNull();
    }
}
