package dev.wagateway.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;

/**
 * camel-sql's named parameters ({@code :#name}), parsed once per statement instead of on every exchange.
 * <p>
 * The default strategy re-parses the statement with regular expressions and converts the body to a Map twice
 * per parameter on every call; for the 16 parameters of the message upsert that was about a tenth of the
 * gateway's CPU under load (docs/performance.md). Here a statement whose parameters are all plain names has
 * its {@code ?} form and its parameter names cached, and a Map body is read directly, with the same lookup
 * order as camel-sql (body, then headers, then variables) and the same error for a missing key. A body that is
 * not a Map is converted as camel-sql converts it, but once per statement rather than twice per parameter (the
 * session-lifecycle statements read headers: each miss of that conversion walked the type converter registry).
 * Anything else ({@code :#${expression}}, {@code :#in:list}) goes to camel-sql's own strategy.
 */
public class NamedParameterCache extends DefaultSqlPrepareStatementStrategy {

    /** camel-sql has turned {@code :#name} into {@code :?name} by the time the strategy sees the statement. */
    private static final Pattern PLAIN = Pattern.compile(":\\?(\\w+)");
    private static final String MISSING =
            "Cannot find key [%s] in message body or headers to use when setting named parameter in query [%s]";

    private final Map<String, Optional<List<String>>> names = new ConcurrentHashMap<>();
    private final Map<String, String> prepared = new ConcurrentHashMap<>();

    @Override
    public String prepareQuery(String query, boolean allowNamedParameters, Exchange exchange) throws SQLException {
        if (!allowNamedParameters || plainNames(query).isEmpty()) {
            return super.prepareQuery(query, allowNamedParameters, exchange);
        }
        String cached = prepared.get(query);
        if (cached == null) {
            cached = super.prepareQuery(query, true, exchange);
            prepared.put(query, cached);
        }
        return cached;
    }

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams, Exchange exchange,
            Object value) throws SQLException {
        Optional<List<String>> plain = plainNames(query);
        if (plain.isEmpty()) {
            return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, value);
        }
        Map<?, ?> body = value instanceof Map<?, ?> map ? map : bodyAsMap(exchange, value);
        Map<String, Object> headers = exchange.getIn().getHeaders();
        Map<String, Object> variables = exchange.getVariables();
        List<String> params = plain.get();
        List<Object> values = new ArrayList<>(params.size());
        for (String name : params) {
            if (body.containsKey(name)) {
                values.add(body.get(name));
            } else if (headers.containsKey(name)) {
                values.add(headers.get(name));
            } else if (variables != null && variables.containsKey(name)) {
                values.add(variables.get(name));
            } else {
                throw new RuntimeExchangeException(String.format(MISSING, name, query), exchange);
            }
        }
        return values.iterator();
    }

    /** camel-sql's reading of a body that is not a Map: its type converter's Map, or none (then headers, variables). */
    private static Map<?, ?> bodyAsMap(Exchange exchange, Object value) {
        Map<?, ?> converted = exchange.getContext().getTypeConverter().tryConvertTo(Map.class, value);
        return converted == null ? Map.of() : converted;
    }

    /** Statements whose parsed form is cached (for tests and diagnostics). */
    public int statementsCached() {
        return prepared.size();
    }

    /** The statement's parameter names in order, when every one is a plain name; else empty (not cached here). */
    private Optional<List<String>> plainNames(String query) {
        return names.computeIfAbsent(query, NamedParameterCache::parse);
    }

    static Optional<List<String>> parse(String query) {
        List<String> found = new ArrayList<>();
        Matcher m = PLAIN.matcher(query);
        while (m.find()) {
            if (m.group(1).equals("in") && m.end() < query.length() && query.charAt(m.end()) == ':') {
                return Optional.empty(); // :?in:list
            }
            found.add(m.group(1));
        }
        int markers = 0;
        for (int i = query.indexOf(":?"); i >= 0; i = query.indexOf(":?", i + 2)) {
            markers++;
        }
        // Another kind of parameter (:?${...}) is among them, or none at all: leave the statement to camel-sql.
        return found.isEmpty() || markers != found.size() ? Optional.empty() : Optional.of(Collections.unmodifiableList(found));
    }
}
