package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Failing endpoints, the policy: an output is disabled once it has failed every attempt for its
 * {@code disable-after}, counted from the first failure with no success after it; 0 never; the default 5 days; a
 * negative window refused naming the setting; and a success is written only when there is a clock to stop.
 */
class DisablePolicyTest {

    private static final OffsetDateTime SINCE = OffsetDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void disabledOnceTheWholeWindowFailedNotBefore() {
        DisablePolicy fiveDays = DisablePolicy.of("gateway.outputs.http.crm", Duration.ofDays(5));
        assertThat(fiveDays.due(SINCE, SINCE.plusDays(5).minusSeconds(1))).as("a second short").isFalse();
        assertThat(fiveDays.due(SINCE, SINCE.plusDays(5))).as("exactly the window").isTrue();
        assertThat(fiveDays.due(SINCE, SINCE.plusDays(9))).isTrue();
        assertThat(fiveDays.due(null, SINCE.plusDays(9))).as("no clock running: the last attempt succeeded").isFalse();
        assertThat(fiveDays.failingSinceAtLatest(SINCE.plusDays(5))).isEqualTo(SINCE);
    }

    @Test
    void zeroIsNeverAndUnsetIsFiveDays() {
        DisablePolicy never = DisablePolicy.of("gateway.outputs.kafka", Duration.ZERO);
        assertThat(never.never()).isTrue();
        assertThat(never.due(SINCE, SINCE.plusYears(1))).isFalse();
        assertThat(DisablePolicy.of("gateway.outputs.kafka", null)).isEqualTo(DisablePolicy.DEFAULT);
        assertThat(DisablePolicy.DEFAULT.after()).isEqualTo(Duration.ofDays(5));
        assertThat(new Outputs.Http().getDisableAfter()).as("the setting's own default is the policy's")
                .isEqualTo(DisablePolicy.DEFAULT_AFTER);
    }

    @Test
    void aNegativeWindowIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> DisablePolicy.of("gateway.outputs.http.crm", Duration.ofHours(-1)))
                .hasMessageStartingWith("gateway.outputs.http.crm.disable-after must be 0 (never) or a positive duration");
        Outputs mail = new Outputs();
        mail.getMail().setTo(java.util.List.of("ops@example.com"));
        mail.getMail().setDisableAfter(Duration.ofDays(-2));
        assertThatThrownBy(() -> new OutputCatalog(mail)).hasMessageStartingWith("gateway.outputs.mail.disable-after");
    }

    @Test
    void theCatalogGivesEachOutputItsWindowFromTheSettings() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "gateway.outputs.http.crm.url", "http://127.0.0.1:9/hook",
                "gateway.outputs.http.crm.disable-after", "2s",
                "gateway.outputs.http.erp.url", "http://127.0.0.1:9/erp",
                "gateway.outputs.http.ops.url", "http://127.0.0.1:9/ops",
                "gateway.outputs.http.ops.disable-after", "0",
                "gateway.outputs.kafka.bootstrap-servers", "127.0.0.1:9092",
                "gateway.outputs.kafka.disable-after", "12h")));
        OutputCatalog catalog = new OutputCatalog(binder.bind("gateway.outputs", Bindable.of(Outputs.class)).get());
        assertThat(catalog.byName("http-crm").orElseThrow().disable().after()).isEqualTo(Duration.ofSeconds(2));
        assertThat(catalog.byName("http-erp").orElseThrow().disable()).isEqualTo(DisablePolicy.DEFAULT);
        assertThat(catalog.byName("http-ops").orElseThrow().disable().never()).isTrue();
        assertThat(catalog.byName("kafka").orElseThrow().disable().after()).isEqualTo(Duration.ofHours(12));
    }

    /** The default endpoint has no FORWARD_ name for it (nor for retry-schedule): its relaxed name, as outputs.md says. */
    @Test
    void theDefaultEndpointTakesItFromTheEnvironment() {
        Outputs outputs = Binder.get(dev.wagateway.support.DeclaredSettings.environment(Map.of(
                "FORWARD_URL", "http://127.0.0.1:9/hook", "GATEWAY_OUTPUTS_HTTP_DEFAULT_DISABLEAFTER", "0")))
                .bind("gateway.outputs", Outputs.class).get();
        assertThat(new OutputCatalog(outputs).byName("http-default").orElseThrow().disable().never()).isTrue();
    }

    @Test
    void theReasonSaysHowLongSinceWhenAndTheLastError() {
        DisablePolicy policy = DisablePolicy.of("gateway.outputs.http.crm", Duration.ofDays(5));
        assertThat(policy.reason(SINCE, "HttpOperationFailedException: status 503"))
                .isEqualTo("every attempt failed for 5d (since 2026-12-01T10:00:00Z); last error: "
                        + "HttpOperationFailedException: status 503");
        assertThat(DisablePolicy.describe(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(DisablePolicy.describe(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(DisablePolicy.describe(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(DisablePolicy.describe(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void aSuccessIsWrittenAfterAFailureOrWhenTheLastWriteIsOldOtherwiseNot() {
        Duration refresh = Duration.ofSeconds(10);
        long justNow = Duration.ofMillis(5).toNanos();
        assertThat(DisablePolicy.recordSuccess(0, -1, justNow, refresh)).as("the first success after a start").isTrue();
        assertThat(DisablePolicy.recordSuccess(0, 0, justNow, refresh)).as("healthy, written a moment ago").isFalse();
        assertThat(DisablePolicy.recordSuccess(3, 2, justNow, refresh)).as("a failure since the last write").isTrue();
        assertThat(DisablePolicy.recordSuccess(3, 3, refresh.toNanos(), refresh))
                .as("another instance's failure is cleared within the refresh").isTrue();
    }
}
