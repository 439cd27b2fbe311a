package dev.wagateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorAnswerTest {

    @ParameterizedTest
    @CsvSource({"400,bad_request", "404,not_found", "405,method_not_allowed", "413,payload_too_large",
            "415,unsupported_media_type", "500,internal_error", "418,client_error", "502,server_error"})
    void eachStatusHasItsCode(int status, String code) {
        ErrorAnswer answer = ErrorAnswer.forStatus(status);
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.code()).isEqualTo(code);
        assertThat(answer.message()).isNotBlank();
    }

    @Test
    void aStatusThatIsNoErrorIsAnInternalError() {
        assertThat(ErrorAnswer.forStatus(200)).isEqualTo(ErrorAnswer.forStatus(500));
        assertThat(ErrorAnswer.forStatus(999).code()).isEqualTo("internal_error");
    }

    @Test
    void theBodyIsTheContractsShape() {
        assertThat(new String(ErrorAnswer.forStatus(404).json(), StandardCharsets.UTF_8))
                .isEqualTo("{\"success\":false,\"error\":\"not_found\",\"message\":\"no such endpoint\"}");
    }
}
