package dev.wagateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.wagateway.routes.ValidateRoutesCommand;

@SpringBootApplication
public class GatewayApplication {
    public static void main(String[] args) {
        // --validate-routes [dir]: check the route files and exit, before Spring (and so without a database).
        if (ValidateRoutesCommand.requested(args)) {
            System.exit(ValidateRoutesCommand.run(args, System.out, System.err));
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
