package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.wagateway.security.AuthFailureLimiter;
import dev.wagateway.security.InMemoryRateLimitStore;

/** The admin key check and its throttle without HTTP (AdminHardeningIT has them over HTTP). */
class AdminAuthenticatorTest {

    static final String KEY = "k-3f9";

    private final AdminAuthenticator authenticator = new AdminAuthenticator(KEY,
            new AuthFailureLimiter(new InMemoryRateLimitStore(100), 3, List.of("10.0.0.0/8")));

    @Test
    void bearerAndBasicWithTheKeyAsPasswordAreAcceptedAnythingElseIsNot() {
        assertThat(authenticator.isValidKey("Bearer " + KEY)).isTrue();
        assertThat(authenticator.isValidKey("bearer  " + KEY + " ")).isTrue();
        assertThat(authenticator.isValidKey("Basic " + basic("anyone:" + KEY))).isTrue();
        assertThat(authenticator.isValidKey(KEY)).as("no scheme").isFalse();
        assertThat(authenticator.isValidKey("Token " + KEY)).isFalse();
        assertThat(authenticator.isValidKey("Basic " + basic(KEY))).as("no colon: the key as user name").isFalse();
        assertThat(authenticator.isValidKey("Basic !!!")).isFalse();
        assertThat(authenticator.isValidKey(null)).isFalse();
        assertThat(new AdminAuthenticator(null).isValidKey("Bearer ")).as("off: nothing is valid").isFalse();
    }

    @Test
    void afterTheAllowanceOfWrongKeysTheClientIsRefusedWithARetryTimeWhateverItSends() {
        for (int i = 0; i < 3; i++) {
            String guess = "Bearer wrong" + i;
            assertThat(status(() -> authenticator.authenticate(guess, "192.0.2.1", null))).isEqualTo(401);
        }
        ApiError blocked = catchThrowableOfType(ApiError.class,
                () -> authenticator.authenticate("Bearer " + KEY, "192.0.2.1", null));
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.code()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(blocked.headers().get("Retry-After"))).isBetween(1L, 60L);
        // another address, and the same address behind an untrusted proxy's X-Forwarded-For, are other clients...
        authenticator.authenticate("Bearer " + KEY, "192.0.2.2", null);
        // ...but a forwarded address from a trusted proxy is that client
        assertThat(status(() -> authenticator.authenticate("Bearer " + KEY, "10.1.1.1", "192.0.2.1"))).isEqualTo(429);
        assertThat(status(() -> authenticator.authenticate("Bearer " + KEY, "192.0.2.9", "192.0.2.1")))
                .as("X-Forwarded-For from an untrusted peer is ignored").isEqualTo(200);
    }

    @Test
    void noCredentialsAtAllIsNoGuess() {
        for (int i = 0; i < 10; i++) {
            ApiError refused = catchThrowableOfType(ApiError.class, () -> authenticator.authenticate(null, "192.0.2.5", null));
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.headers()).containsKey("WWW-Authenticate");
        }
        authenticator.authenticate("Bearer " + KEY, "192.0.2.5", null);
    }

    @Test
    void withoutAKeyTheApiIsOff() {
        AdminAuthenticator off = new AdminAuthenticator(" ");
        assertThat(off.isEnabled()).isFalse();
        assertThatThrownBy(() -> off.authenticate("Bearer x", "192.0.2.1", null))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    private static int status(Runnable call) {
        try {
            call.run();
            return 200;
        } catch (ApiError e) {
            return e.status();
        }
    }

    private static String basic(String pair) {
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
}
