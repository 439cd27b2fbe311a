package dev.wagateway.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;

/** UUIDv7: the version and variant RFC 9562 gives them, made now, in the order they were made, never twice. */
class EventIdsTest {

    @Test
    void anIdIsAVersion7UuidOfThisMillisecond() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(EventIds.next());
        long after = System.currentTimeMillis();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(EventIds.millisOf(id)).isBetween(before, after);
    }

    @Test
    void idsMadeOneAfterAnotherSortOneAfterAnotherAsText() {
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            made.add(EventIds.next());
        }
        List<String> sorted = new ArrayList<>(made);
        Collections.sort(sorted);
        // many per millisecond: the order holds within one too
        assertThat(sorted).isEqualTo(made);
    }

    @Test
    void threadsNeverGetTheSameId() throws InterruptedException {
        ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    ids.add(EventIds.next());
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Set<String> distinct = new HashSet<>(ids);
        assertThat(distinct).hasSize(80_000);
    }
}
