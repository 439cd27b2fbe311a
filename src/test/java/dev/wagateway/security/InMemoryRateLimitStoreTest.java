package dev.wagateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryRateLimitStoreTest {

    @Test
    void countsDownAndRefusesWithARetryTime() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(100);
        assertThat(store.tryAcquire("a", 2)).isEqualTo(new RateLimitStore.Decision(true, 1, 0));
        assertThat(store.tryAcquire("a", 2)).isEqualTo(new RateLimitStore.Decision(true, 0, 0));
        RateLimitStore.Decision refused = store.tryAcquire("a", 2);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isBetween(1L, 30L);
        assertThat(store.tryAcquire("b", 2).allowed()).as("keys are independent").isTrue();
    }

    @Test
    void peekTellsWithoutTakingAndRemembersNoNewKey() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(100);
        assertThat(store.peek("new", 2)).isEqualTo(new RateLimitStore.Decision(true, 2, 0));
        assertThat(store.trackedKeys()).isZero();
        store.tryAcquire("a", 2);
        assertThat(store.peek("a", 2)).isEqualTo(new RateLimitStore.Decision(true, 1, 0));
        assertThat(store.peek("a", 2)).as("peeking again takes nothing").isEqualTo(new RateLimitStore.Decision(true, 1, 0));
        store.tryAcquire("a", 2);
        RateLimitStore.Decision spent = store.peek("a", 2);
        assertThat(spent.allowed()).isFalse();
        assertThat(spent.retryAfterSeconds()).isBetween(1L, 30L);
    }

    @Test
    void staysBoundedUnderManyClients() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(1000);
        for (int i = 0; i < 10_000; i++) {
            store.tryAcquire("ip" + i, 100);
        }
        assertThat(store.trackedKeys()).isLessThanOrEqualTo(1000);
    }

    @Test
    void evictionKeepsClientsThatAreBeingLimited() {
        InMemoryRateLimitStore store = new InMemoryRateLimitStore(3);
        store.tryAcquire("busy", 1);
        // "busy" has spent its only token; the store fills up with clients and evicts idle ones only.
        store.tryAcquire("x", 5);
        store.tryAcquire("y", 5);
        store.tryAcquire("z", 5);
        assertThat(store.tryAcquire("busy", 1).allowed()).isFalse();
    }
}
