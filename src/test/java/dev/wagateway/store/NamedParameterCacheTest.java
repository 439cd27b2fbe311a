package dev.wagateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The cached strategy must give camel-sql exactly what its own strategy gives, or leave the statement to it. */
class NamedParameterCacheTest {

    private static final String UPSERT = "INSERT INTO t (a, b, c) VALUES (:?a, :?b, :?c) ON CONFLICT (a) DO UPDATE SET b = :?b";

    private final NamedParameterCache cache = new NamedParameterCache();
    private final DefaultSqlPrepareStatementStrategy camel = new DefaultSqlPrepareStatementStrategy();
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    @Test
    void plainNamesAreParsedInOrderWithRepeats() {
        assertThat(NamedParameterCache.parse(UPSERT)).contains(List.of("a", "b", "c", "b"));
        assertThat(NamedParameterCache.parse("UPDATE t SET n = :?n::int WHERE id = :?id")).contains(List.of("n", "id"));
    }

    @Test
    void expressionsAndInListsAndPositionalStatementsAreLeftToCamel() {
        assertThat(NamedParameterCache.parse("SELECT * FROM t WHERE a = :?a AND b = :?${header.b}")).isEmpty();
        assertThat(NamedParameterCache.parse("SELECT * FROM t WHERE a IN (:?in:ids)")).isEmpty();
        assertThat(NamedParameterCache.parse("SELECT * FROM t WHERE a = ?")).isEmpty();
    }

    @Test
    void givesTheSameStatementAndValuesAsCamelSql() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("a", "x");
        body.put("b", null);
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("c", 42);
        exchange.getMessage().setHeader("a", "not this: the body comes first");

        assertThat(cache.prepareQuery(UPSERT, true, exchange)).isEqualTo(camel.prepareQuery(UPSERT, true, exchange))
                .isEqualTo("INSERT INTO t (a, b, c) VALUES (?, ?, ?) ON CONFLICT (a) DO UPDATE SET b = ?");
        assertThat(values(cache.createPopulateIterator(UPSERT, null, 4, exchange, body)))
                .isEqualTo(values(camel.createPopulateIterator(UPSERT, null, 4, exchange, body)))
                .containsExactly("x", null, 42, null);
    }

    @Test
    void aBodyThatIsNotAMapLeavesTheValuesToHeadersAndVariablesAsInCamelSql() throws Exception {
        String statement = "UPDATE s SET ready_at = :?WaReceivedAt WHERE session_id = :?WaSessionId AND n = :?n";
        Object body = new StringBuilder("{\"an\":\"envelope\"}"); // no converter to Map: camel-sql reads the headers
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("WaReceivedAt", "2026-11-28T21:00:00Z");
        exchange.getMessage().setHeader("WaSessionId", "s1");
        exchange.setVariable("n", 7);

        assertThat(values(cache.createPopulateIterator(statement, null, 3, exchange, body)))
                .isEqualTo(values(camel.createPopulateIterator(statement, null, 3, exchange, body)))
                .containsExactly("2026-11-28T21:00:00Z", "s1", 7);
        assertThatThrownBy(() -> values(cache.createPopulateIterator(statement + " AND m = :?m", null, 4, exchange, body)))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("Cannot find key [m]");
    }

    @Test
    void aMissingParameterFailsAsInCamelSql() {
        Map<String, Object> body = Map.of("a", "x");
        assertThatThrownBy(() -> values(cache.createPopulateIterator(UPSERT, null, 4, exchange, body)))
                .isInstanceOf(RuntimeExchangeException.class).hasMessageContaining("Cannot find key [b]");
    }

    private static List<Object> values(Iterator<?> it) {
        List<Object> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
