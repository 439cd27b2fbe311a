package dev.wagateway.security;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;

import org.junit.jupiter.api.Test;

import dev.wagateway.shared.WebhookRejection;

/**
 * The intake's side of Standard Webhooks: the specification's own example verifies, the timestamp tolerance holds at
 * its edges both ways, a rotation's secrets and signatures are each tried, and every refusal is a 401 with its code.
 */
class StandardWebhookVerifierTest {

    static final String SPEC_SECRET = StandardWebhookSignerTest.SPEC_SECRET;
    static final String SPEC_ID = StandardWebhookSignerTest.SPEC_ID;
    static final long SPEC_TIMESTAMP = StandardWebhookSignerTest.SPEC_TIMESTAMP;
    static final byte[] SPEC_BODY = StandardWebhookSignerTest.SPEC_BODY;
    static final String SPEC_SIGNATURE = StandardWebhookSignerTest.SPEC_SIGNATURE;
    static final String OTHER_SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "another key of 24 bytes!".getBytes(StandardCharsets.UTF_8));

    /** Our clock at the given epoch second. */
    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    private static StandardWebhookVerifier verifier(Clock clock, String... secrets) {
        Map<String, String> bySetting = new LinkedHashMap<>();
        for (int i = 0; i < secrets.length; i++) {
            bySetting.put("secrets[" + i + "]", secrets[i]);
        }
        return new StandardWebhookVerifier(bySetting, Duration.ofMinutes(5), clock);
    }

    private static String code(Runnable r) {
        try {
            r.run();
            return "passed";
        } catch (WebhookRejection e) {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).doesNotContain(SPEC_SECRET.substring(6), OTHER_SECRET.substring(6));
            return e.code();
        }
    }

    @Test
    void theSpecificationsExampleVerifies() {
        StandardWebhookVerifier v = verifier(at(SPEC_TIMESTAMP), SPEC_SECRET);
        assertThat(code(() -> v.verify(SPEC_ID, Long.toString(SPEC_TIMESTAMP), SPEC_SIGNATURE, SPEC_BODY))).isEqualTo("passed");
    }

    @Test
    void anyChangeToIdTimestampOrBodyBreaksIt() {
        StandardWebhookVerifier v = verifier(at(SPEC_TIMESTAMP), SPEC_SECRET);
        String ts = Long.toString(SPEC_TIMESTAMP);
        assertThat(code(() -> v.verify(SPEC_ID + "x", ts, SPEC_SIGNATURE, SPEC_BODY))).isEqualTo("invalid_signature");
        assertThat(code(() -> v.verify(SPEC_ID, Long.toString(SPEC_TIMESTAMP + 1), SPEC_SIGNATURE, SPEC_BODY)))
                .isEqualTo("invalid_signature");
        assertThat(code(() -> v.verify(SPEC_ID, ts, SPEC_SIGNATURE, "{\"test\":2432232314}".getBytes(StandardCharsets.UTF_8))))
                .as("the raw bytes, not the JSON they mean").isEqualTo("invalid_signature");
        assertThat(code(() -> v.verify(SPEC_ID, ts, "v2," + SPEC_SIGNATURE.substring(3), SPEC_BODY)))
                .as("only v1 signatures count").isEqualTo("invalid_signature");
        assertThat(code(() -> v.verify(SPEC_ID, ts, "v1,not*base64", SPEC_BODY))).isEqualTo("invalid_signature");
        assertThat(code(() -> v.verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY))).isEqualTo("passed");
    }

    @Test
    void theToleranceHoldsAtItsEdgesBothWays() {
        String ts = Long.toString(SPEC_TIMESTAMP);
        long five = Duration.ofMinutes(5).toSeconds();
        for (long now : new long[] {SPEC_TIMESTAMP + five, SPEC_TIMESTAMP - five}) {
            assertThat(code(() -> verifier(at(now), SPEC_SECRET).verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY)))
                    .as("now = timestamp %+d s", now - SPEC_TIMESTAMP).isEqualTo("passed");
        }
        for (long now : new long[] {SPEC_TIMESTAMP + five + 1, SPEC_TIMESTAMP - five - 1, SPEC_TIMESTAMP + 86_400}) {
            assertThat(code(() -> verifier(at(now), SPEC_SECRET).verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY)))
                    .as("now = timestamp %+d s", now - SPEC_TIMESTAMP).isEqualTo("stale_timestamp");
        }
        StandardWebhookVerifier tight = new StandardWebhookVerifier(Map.of("s", SPEC_SECRET), Duration.ofSeconds(30),
                at(SPEC_TIMESTAMP + 31));
        assertThat(code(() -> tight.verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY))).as("a configured tolerance")
                .isEqualTo("stale_timestamp");
    }

    @Test
    void aTimestampThatIsNotWholeSecondsIsRefused() {
        StandardWebhookVerifier v = verifier(at(SPEC_TIMESTAMP), SPEC_SECRET);
        for (String ts : List.of("1614265330.0", "+1614265330", "-5", "16142653300000000000000", "soon")) {
            assertThat(code(() -> v.verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY))).as(ts).isEqualTo("invalid_signature");
        }
    }

    @Test
    void duringARotationAnySecretAndAnySignatureOfTheListVerifies() {
        String ts = Long.toString(SPEC_TIMESTAMP);
        String otherSignature = new StandardWebhookSigner(Map.of("o", OTHER_SECRET)).signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        StandardWebhookVerifier both = verifier(at(SPEC_TIMESTAMP), OTHER_SECRET, SPEC_SECRET);
        StandardWebhookVerifier specOnly = verifier(at(SPEC_TIMESTAMP), SPEC_SECRET);

        assertThat(code(() -> both.verify(SPEC_ID, ts, SPEC_SIGNATURE, SPEC_BODY))).as("the second secret").isEqualTo("passed");
        assertThat(code(() -> both.verify(SPEC_ID, ts, otherSignature, SPEC_BODY))).as("the first secret").isEqualTo("passed");
        assertThat(code(() -> specOnly.verify(SPEC_ID, ts, otherSignature + " " + SPEC_SIGNATURE, SPEC_BODY)))
                .as("a sender signing with old and new secret").isEqualTo("passed");
        assertThat(code(() -> specOnly.verify(SPEC_ID, ts, "v2,abc  " + SPEC_SIGNATURE, SPEC_BODY)))
                .as("other versions and doubled spaces skipped").isEqualTo("passed");
        assertThat(code(() -> specOnly.verify(SPEC_ID, ts, otherSignature, SPEC_BODY))).isEqualTo("invalid_signature");
    }

    @Test
    void missingHeadersAreNamed() {
        StandardWebhookVerifier v = verifier(at(SPEC_TIMESTAMP), SPEC_SECRET);
        String ts = Long.toString(SPEC_TIMESTAMP);
        assertThat(code(() -> v.verify(null, ts, SPEC_SIGNATURE, SPEC_BODY))).isEqualTo("missing_signature");
        assertThat(code(() -> v.verify(SPEC_ID, " ", SPEC_SIGNATURE, SPEC_BODY))).isEqualTo("missing_signature");
        assertThat(code(() -> v.verify(SPEC_ID, ts, null, SPEC_BODY))).isEqualTo("missing_signature");
        assertThatThrownBy(() -> v.verify(SPEC_ID, null, null, SPEC_BODY)).isInstanceOf(WebhookRejection.class)
                .hasMessageContaining("missing: webhook-timestamp, webhook-signature");
        assertThat(StandardWebhookVerifier.attempted(null, null, " ")).isFalse();
        assertThat(StandardWebhookVerifier.attempted(SPEC_ID, null, null)).isTrue();
    }

    @Test
    void aMalformedSecretIsRefusedNamingItsSettingWithoutShowingIt() {
        assertThatThrownBy(() -> verifier(at(0), SPEC_SECRET, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .hasMessageContaining("secrets[1]").hasMessageContaining("whsec_").hasMessageNotContaining("MfKQ9r8G");
        assertThatThrownBy(() -> verifier(at(0), "whsec_not*base64")).hasMessageContaining("secrets[0]")
                .hasMessageContaining("base64").hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> new StandardWebhookVerifier(Map.of(), Duration.ofMinutes(5), at(0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The signature bytes are compared with MessageDigest.isEqual (constant time since Java 6u17), never with
     * Arrays.equals or by their base64 text, which return at the first differing byte. Checked on the compiled class,
     * so a later edit cannot swap the comparison unnoticed.
     */
    @Test
    void signaturesAreComparedInConstantTime() {
        JavaClasses verifier = new ClassFileImporter().importClasses(StandardWebhookVerifier.class);
        classes().should().callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class).check(verifier);
        noClasses().should().callMethod(Arrays.class, "equals", byte[].class, byte[].class)
                .orShould().callMethod(String.class, "equals", Object.class)
                .orShould().callMethod(String.class, "contentEquals", CharSequence.class)
                .check(verifier);
        noClasses().should().callMethod(Arrays.class, "equals", byte[].class, byte[].class)
                .check(new ClassFileImporter().importClasses(WebhookAuthenticator.class));
    }
}
