package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.wagateway.support.SharedGatewayTest;

/** Scheduled jobs run on one instance at a time: two JobLocks on one PostgreSQL database stand for two instances. */
class JobLockIT extends SharedGatewayTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    SqlCatalog sql;

    @Test
    void whileOneInstanceRunsAJobTheOtherSkipsItThenRunsItAfterwards() throws Exception {
        JobLock a = new JobLock(dataSource, sql, true);
        JobLock b = new JobLock(dataSource, sql, true);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);

        CompletableFuture<Optional<String>> first = CompletableFuture.supplyAsync(() -> a.runAlone("retention-test", () -> {
            running.countDown();
            await(finish);
            return "a ran";
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(b.runAlone("retention-test", () -> "b ran")).as("locked by the other instance").isEmpty();
        assertThat(b.runAlone("another-job", () -> "b ran")).as("another job is not locked").contains("b ran");
        assertThat(a.runAlone("retention-test", () -> "a again")).as("nor twice at once here").isEmpty();

        finish.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).contains("a ran");
        assertThat(b.runAlone("retention-test", () -> "b ran")).as("released when the job ended").contains("b ran");
    }

    @Test
    void aJobThatFailsReleasesItsLock() {
        JobLock a = new JobLock(dataSource, sql, true);
        JobLock b = new JobLock(dataSource, sql, true);
        try {
            a.runAlone("failing-job", () -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the job's own failure reaches the caller
        }
        assertThat(b.runAlone("failing-job", () -> "ran")).contains("ran");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
