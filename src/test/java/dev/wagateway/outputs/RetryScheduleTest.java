package dev.wagateway.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * An output's {@code retry-schedule}: the n-th retry comes the n-th step (± the jitter) after the n-th failure,
 * the schedule's end means a dead letter, the delivery defaults keep today's doubling backoff, and every setting
 * that cannot be right stops the start with a message naming it.
 */
class RetryScheduleTest {

    private static final List<Duration> HOURS = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    @Test
    void eachRetryWaitsItsStepAndTheScheduleEndIsADeadLetter() {
        RetryPolicy exact = RetryPolicy.schedule("gateway.outputs.http.crm", HOURS, 0);
        assertThat(exact.retries()).isEqualTo(7);
        for (int failed = 1; failed <= 7; failed++) {
            assertThat(exact.delayAfter(failed, () -> 0.99)).as("after failure %d", failed).isEqualTo(HOURS.get(failed - 1));
        }
        assertThat(exact.delayAfter(8, () -> 0.5)).as("the eighth failure: the schedule is spent").isNull();
    }

    @Test
    void theJitterMovesEachStepByUpToItsShareAndSpreadsThem() {
        RetryPolicy policy = RetryPolicy.schedule("gateway.outputs.http.crm", HOURS, 0.1);
        // The random number's ends give the bounds: 0 -> -10 %, just under 1 -> just under +10 %, 0.5 -> the step.
        assertThat(policy.delayAfter(4, () -> 0.0)).isEqualTo(Duration.ofMinutes(108));
        assertThat(policy.delayAfter(4, () -> 0.5)).isEqualTo(Duration.ofHours(2));
        assertThat(policy.delayAfter(4, () -> Math.nextDown(1.0))).isLessThanOrEqualTo(Duration.ofMinutes(132))
                .isGreaterThan(Duration.ofMinutes(131));

        Random random = new Random(24);
        List<Duration> drawn = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Duration d = policy.delayAfter(1, random::nextDouble);
            assertThat(d).isBetween(Duration.ofMillis(4500), Duration.ofMillis(5500));
            drawn.add(d);
        }
        assertThat(drawn.stream().distinct().count()).as("deliveries failed together come back spread out").isGreaterThan(900);
        assertThat(drawn.stream().filter(d -> d.compareTo(Duration.ofSeconds(5)) < 0).count())
                .as("about half early, half late").isBetween(400L, 600L);
    }

    @Test
    void theDeliveryDefaultsKeepTheDoublingBackoff() {
        RetryPolicy policy = RetryPolicy.backoff(3, Duration.ofMillis(500));
        assertThat(policy.delayAfter(1, () -> 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(policy.delayAfter(2, () -> 0.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delayAfter(3, () -> 0.9)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delayAfter(4, () -> 0.0)).isNull();
        assertThat(RetryPolicy.backoff(0, Duration.ofMillis(500)).delayAfter(1, () -> 0.0)).isNull();
    }

    private static Outputs crm(List<Duration> schedule, double jitter, String order) {
        Outputs outputs = new Outputs();
        Outputs.Http http = new Outputs.Http();
        http.setUrl("http://127.0.0.1:9/hook");
        http.setRetrySchedule(schedule);
        http.setRetryJitter(jitter);
        http.setOrder(order);
        outputs.getHttp().put("crm", http);
        return outputs;
    }

    @Test
    void theCatalogGivesEachOutputItsScheduleAndOrder() {
        OutputDefinition scheduled = new OutputCatalog(crm(HOURS, 0, "none")).byName("http-crm").orElseThrow();
        assertThat(scheduled.retry().retries()).isEqualTo(7);
        assertThat(scheduled.retry().delayAfter(7, () -> 0.5)).isEqualTo(Duration.ofHours(10));
        assertThat(scheduled.ordered()).isFalse();

        OutputDefinition plain = new OutputCatalog(crm(null, 0.1, null)).byName("http-crm").orElseThrow();
        assertThat(plain.retry()).as("no schedule: delivery.retries and retry-delay").isNull();
        assertThat(plain.ordered()).as("order: session is the default").isTrue();

        Outputs kafka = new Outputs();
        kafka.getKafka().setBootstrapServers("127.0.0.1:9092");
        kafka.getKafka().setRetrySchedule(List.of(Duration.ofSeconds(1)));
        assertThat(new OutputCatalog(kafka).byName("kafka").orElseThrow().retry().retries()).isEqualTo(1);
    }

    @Test
    void aScheduleOrOrderThatCannotBeRightIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new OutputCatalog(crm(HOURS, 0.1, "random")))
                .hasMessage("gateway.outputs.http.crm.order must be session or none, not 'random'");
        assertThatThrownBy(() -> new OutputCatalog(crm(List.of(Duration.ofSeconds(5), Duration.ZERO), 0.1, "session")))
                .hasMessageStartingWith("gateway.outputs.http.crm.retry-schedule[1] must be a positive duration");
        assertThatThrownBy(() -> new OutputCatalog(crm(Arrays.asList(Duration.ofSeconds(5), null), 0.1, "session")))
                .hasMessageStartingWith("gateway.outputs.http.crm.retry-schedule[1] must be a positive duration");
        assertThatThrownBy(() -> new OutputCatalog(crm(List.of(Duration.ofSeconds(-5)), 0.1, "session")))
                .hasMessageStartingWith("gateway.outputs.http.crm.retry-schedule[0] must be a positive duration");
        assertThatThrownBy(() -> new OutputCatalog(crm(HOURS, 1.5, "session")))
                .hasMessageStartingWith("gateway.outputs.http.crm.retry-jitter must be at least 0 and below 1");
        Outputs mail = new Outputs();
        mail.getMail().setTo(List.of("ops@example.com"));
        mail.getMail().setOrder("fifo");
        assertThatThrownBy(() -> new OutputCatalog(mail)).hasMessageContaining("gateway.outputs.mail.order");
    }

    /** A step that is no duration at all is refused by the binding, which names the setting too. */
    @Test
    void aMalformedStepIsRefusedWhereTheSettingsAreRead() {
        Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(
                "gateway.outputs.http.crm.url", "http://127.0.0.1:9/hook",
                "gateway.outputs.http.crm.retry-schedule", "5s, 5 minutes, 2h")));
        assertThatThrownBy(() -> binder.bind("gateway.outputs", Bindable.of(Outputs.class)))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("gateway.outputs.http.crm.retry-schedule");

        Binder good = new Binder(new MapConfigurationPropertySource(Map.of(
                "gateway.outputs.http.crm.url", "http://127.0.0.1:9/hook",
                "gateway.outputs.http.crm.retry-schedule", "5s, 5m, 30m, 2h, 5h, 10h, 10h")));
        assertThat(good.bind("gateway.outputs", Bindable.of(Outputs.class)).get().getHttp().get("crm").getRetrySchedule())
                .isEqualTo(HOURS);
    }
}
