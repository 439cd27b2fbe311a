package dev.wagateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.wagateway.support.PostgresGatewayTest;
import dev.wagateway.support.Samples;
import dev.wagateway.support.WebhookClient.Response;

/**
 * platform-http routes run on the request's own Tomcat thread and are answered in one servlet dispatch: no hand-off
 * to another pool, no second (ASYNC) dispatch through the filters. A filter that sees every dispatch type records
 * each one with its thread.
 */
@TestPropertySource(properties = "gateway.rate-limit.per-minute=1000")
@Import(SynchronousPlatformHttpIT.Recording.class)
class SynchronousPlatformHttpIT extends PostgresGatewayTest {

    record Dispatch(DispatcherType type, String uri, String thread) {
    }

    @TestConfiguration
    static class Recording {
        static final List<Dispatch> DISPATCHES = new CopyOnWriteArrayList<>();

        @Bean
        FilterRegistrationBean<OncePerRequestFilter> dispatchRecorder() {
            OncePerRequestFilter filter = new OncePerRequestFilter() {
                @Override
                protected boolean shouldNotFilterAsyncDispatch() {
                    return false;
                }

                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                        FilterChain chain) throws ServletException, IOException {
                    DISPATCHES.add(new Dispatch(request.getDispatcherType(), request.getRequestURI(),
                            Thread.currentThread().getName()));
                    chain.doFilter(request, response);
                }
            };
            FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
            return registration;
        }

        /** Answers with the name of the thread the route ran on. */
        @Bean
        RouteBuilder threadNameRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("platform-http:/test/route-thread").routeId("test-route-thread").setBody(simple("${threadName}"));
                }
            };
        }
    }

    @BeforeEach
    void forgetEarlierDispatches() {
        Recording.DISPATCHES.clear();
    }

    @Test
    void theRouteRunsOnTheThreadThatTookTheRequest() {
        Response response = client.get("/test/route-thread");

        assertThat(response.status()).isEqualTo(200);
        assertThat(Recording.DISPATCHES).singleElement().satisfies(d -> {
            assertThat(d.type()).isEqualTo(DispatcherType.REQUEST);
            assertThat(d.thread()).as("the route's thread is the request's").isEqualTo(response.body());
        });
    }

    @Test
    void aWebhookIsStoredAndAnsweredInOneDispatch() {
        Response response = client.post("/api/whatsapp/webhook", Samples.forSession("message", "sync-dispatch"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("success").asBoolean()).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM wa_events WHERE session_id = 'sync-dispatch'", Long.class))
                .isEqualTo(1);
        assertThat(Recording.DISPATCHES).extracting(Dispatch::type).containsExactly(DispatcherType.REQUEST);
    }

    @Test
    void aRejectedWebhookIsAnsweredInOneDispatchToo() {
        Response response = client.post("/api/whatsapp/webhook", "{not json", Map.of());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).doesNotContain("Exception");
        assertThat(Recording.DISPATCHES).extracting(Dispatch::type).containsExactly(DispatcherType.REQUEST);
    }
}
