package dev.wagateway.intake;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The web server on a socket handed in on standard input ({@link InheritedSocket}): Tomcat's NIO connector serves
 * that channel ({@link HandOverEndpoint}) instead of binding {@code SERVER_PORT}, starts taking connections once the
 * routes run, and on {@code SIGTERM} leaves the new ones in the backlog for the next process ({@link SocketHandOver}).
 * Without such a socket nothing here changes the web server. (The {@link SocketHandOver} bean, with its setting,
 * is made in config.)
 */
@Configuration(proxyBeanMethods = false)
class InheritedSocketServer {

    @Bean
    InheritedSocket inheritedSocket(@Value("${server.port:8080}") int serverPort) {
        return InheritedSocket.fromStandardInput(serverPort);
    }

    /** Connection: close on every answer once the hand-over has begun; not in the chain without a socket. */
    @Bean
    FilterRegistrationBean<SocketHandOver> socketHandOverRegistration(SocketHandOver handOver, InheritedSocket socket) {
        FilterRegistrationBean<SocketHandOver> registration = new FilterRegistrationBean<>(handOver);
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setEnabled(socket.inherited());
        return registration;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> servedOnInheritedSocket(InheritedSocket socket,
            RouteGate gate, SocketHandOver handOver) {
        return factory -> {
            if (!socket.inherited()) {
                return;
            }
            factory.setProtocol(HandOverEndpoint.Protocol.class.getName());
            factory.addConnectorCustomizers(connector -> {
                // The port the socket is bound to, so Tomcat's log line and local.server.port say where it serves.
                connector.setPort(socket.port());
                HandOverEndpoint endpoint = ((HandOverEndpoint.Protocol) connector.getProtocolHandler())
                        .handOverEndpoint();
                endpoint.openWhen(gate::isOpen);
                handOver.serve(endpoint);
            });
        };
    }
}
