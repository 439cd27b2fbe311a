package dev.wagateway.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpConsumer;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.DeferredResultMethodReturnValueHandler;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Camel routes served on the thread Tomcat gave the request, answered in one servlet dispatch.
 * <p>
 * On Spring Boot, platform-http hands every request to a task executor and returns a CompletableFuture; Spring
 * MVC then suspends the request and dispatches it a second time through the whole filter and handler chain to
 * finish it. For the webhook, whose route blocks until its event is committed anyway, that was a thread hand-off
 * and a second dispatch per request (the second dispatch alone: 11% of the profile's samples, docs/performance.md).
 * Here the engine runs the route on the calling thread (the future is complete when the handler returns) and a
 * completed future is taken as the finished answer; the route has already written the response. A future that is not
 * complete (not expected with this engine) still goes the asynchronous way. The number of requests in routes at
 * once is Tomcat's thread count ({@code server.tomcat.threads.max}, HTTP_WORKER_THREADS).
 */
@Configuration(proxyBeanMethods = false)
class SynchronousPlatformHttp {

    /**
     * Replaces the starter's engine (it backs off when one is defined): same consumer, caller-runs executor, and
     * the path parameters of routes that have any percent-decoded before the route runs ({@link PathParameters}).
     */
    @Bean(name = "platform-http-engine")
    PlatformHttpEngine platformHttpEngine(@Value("${server.port:8080}") int port) {
        return new SpringBootPlatformHttpEngine(port, Runnable::run) {
            @Override
            public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor route) {
                List<String> names = PathParameters.names(endpoint.getPath());
                return super.createConsumer(endpoint, names.isEmpty() ? route : new PathParameters(names, route));
            }
        };
    }

    /**
     * An encoded {@code /} ({@code %2F}) in a path parameter reaches the route as one: a Cloud API id may hold a
     * slash. Tomcat refuses such paths by default; passed through, it stays inside its segment (Spring matches the
     * raw path segment by segment) and {@link PathParameters} decodes it. Nothing serves files by path here.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashInPathParameters() {
        return factory -> factory.addConnectorCustomizers(
                connector -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
    }

    @Bean
    static BeanPostProcessor completedPlatformHttpReplies() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                    List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
                    handlers.add(new CompletedReply());
                    handlers.addAll(adapter.getReturnValueHandlers());
                    adapter.setReturnValueHandlers(handlers);
                }
                return bean;
            }
        };
    }

    /** platform-http's answer, already written by the route: nothing left for Spring MVC to do. */
    static final class CompletedReply implements HandlerMethodReturnValueHandler {

        private final HandlerMethodReturnValueHandler asynchronous = new DeferredResultMethodReturnValueHandler();

        @Override
        public boolean supportsReturnType(MethodParameter returnType) {
            return SpringBootPlatformHttpConsumer.class.isAssignableFrom(returnType.getContainingClass())
                    && CompletableFuture.class.isAssignableFrom(returnType.getParameterType());
        }

        @Override
        public void handleReturnValue(Object returnValue, MethodParameter returnType,
                ModelAndViewContainer mavContainer, NativeWebRequest webRequest) throws Exception {
            if (isCompleted(returnValue)) {
                mavContainer.setRequestHandled(true);
            } else {
                asynchronous.handleReturnValue(returnValue, returnType, mavContainer, webRequest);
            }
        }

        private static boolean isCompleted(Object returnValue) {
            return returnValue instanceof CompletableFuture<?> future
                    && future.isDone() && !future.isCompletedExceptionally();
        }
    }
}
