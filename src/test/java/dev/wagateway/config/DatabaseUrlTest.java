package dev.wagateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void theSeedsPostgresqlUrlBecomesJdbcWithCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://gateway:s%40cret@db.internal:5433/whatsapp?sslmode=require");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:5433/whatsapp?sslmode=require");
        assertThat(url.username()).isEqualTo("gateway");
        assertThat(url.password()).isEqualTo("s@cret");
    }

    @Test
    void postgresSchemeWithoutPortOrPassword() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://reader@localhost/app");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/app");
        assertThat(url.username()).isEqualTo("reader");
        assertThat(url.password()).isNull();
    }

    @Test
    void aPlusInThePasswordStaysAPlus() {
        assertThat(DatabaseUrl.parse("postgresql://u:a+b@h:5432/d").password()).isEqualTo("a+b");
    }

    @Test
    void jdbcUrlsAreTakenAsTheyAre() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h:5432/d?user=x&password=y");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/d?user=x&password=y");
        assertThat(url.username()).isNull();
    }

    @Test
    void otherSchemesAreRefusedWithoutEchoingTheUrl() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:topsecret@h/d"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(DatabaseUrl.parse("postgresql://u:topsecret@h/d").toString()).doesNotContain("topsecret");
    }
}
