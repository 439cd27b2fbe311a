package dev.wagateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** A start that asks for the build's AOT context keeps it unless the build lacks one or tracing needs conditions. */
class SpringAotTest {

    /** Stands for an application the build processed: its generated initializer sits beside it. */
    static class Processed {
    }

    static class Processed__ApplicationContextInitializer {
    }

    /** An application built without AOT processing. */
    static class Unprocessed {
    }

    @AfterEach
    void clear() {
        System.clearProperty(SpringAot.ENABLED);
        System.clearProperty(SpringAot.PROCESSING);
    }

    private static boolean decide(Class<?> main, Map<String, Object> settings) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addLast(new MapPropertySource("settings", settings));
        SpringApplication application = new SpringApplication();
        application.setMainApplicationClass(main);
        SpringAot.decide(env, application, new NoOpLog());
        return Boolean.getBoolean(SpringAot.ENABLED);
    }

    @Test
    void aProcessedBuildWithoutTracingKeepsTheAotContext() {
        System.setProperty(SpringAot.ENABLED, "true");
        assertThat(decide(Processed.class, Map.of("management.otlp.tracing.endpoint", ""))).isTrue();
    }

    @Test
    void tracingOnMakesTheContextTheRegularWay() {
        System.setProperty(SpringAot.ENABLED, "true");
        assertThat(decide(Processed.class, Map.of("management.otlp.tracing.endpoint", "http://collector:4318/v1/traces")))
                .isFalse();
    }

    @Test
    void aBuildWithoutAotProcessingStartsTheRegularWay() {
        System.setProperty(SpringAot.ENABLED, "true");
        assertThat(decide(Unprocessed.class, Map.of())).isFalse();
    }

    @Test
    void aStartThatDidNotAskIsLeftAlone() {
        decide(Processed.class, Map.of());
        assertThat(System.getProperty(SpringAot.ENABLED)).isNull();
    }

    @Test
    void theBuildGeneratesTheContextWithoutTracingWhateverItsEnvironment() {
        System.setProperty(SpringAot.PROCESSING, "true");
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addLast(new MapPropertySource("settings",
                Map.of("management.otlp.tracing.endpoint", "http://collector:4318/v1/traces")));
        assertThat(GatewayEnvironment.TracingSwitch.on(env)).isFalse();
    }
}
