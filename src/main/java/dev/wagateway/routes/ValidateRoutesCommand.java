package dev.wagateway.routes;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar whatsapp-webhook-gateway.jar --validate-routes [dir]} (or tools/validate-routes): checks a routes
 * directory ({@link RoutesValidator}) without starting the gateway, so without a database, and prints one line per
 * problem, {@code file:line: message}. Exit status: 0 fit to load, 1 problems found, 2 could not check (no such
 * directory, bad arguments).
 */
public final class ValidateRoutesCommand {

    public static final String OPTION = "--validate-routes";
    public static final int OK = 0;
    public static final int PROBLEMS = 1;
    public static final int UNUSABLE = 2;

    private ValidateRoutesCommand() {
    }

    /** Whether these command-line arguments ask for the check instead of the gateway. */
    public static boolean requested(String[] args) {
        return args.length > 0 && OPTION.equals(args[0]);
    }

    /** Runs the check; the exit status is returned, not acted on, so a test can call it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 2) {
            err.println("usage: " + OPTION + " [routes directory, default ./routes]");
            return UNUSABLE;
        }
        Path dir = Path.of(args.length == 2 ? args[1] : "routes");
        if (!Files.isDirectory(dir)) {
            err.println(dir + ": not a directory");
            return UNUSABLE;
        }
        try {
            List<RouteProblem> problems = new RoutesValidator().validate(dir);
            problems.forEach(out::println);
            if (problems.isEmpty()) {
                err.println(dir + ": no problems");
                return OK;
            }
            err.println(dir + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
            return PROBLEMS;
        } catch (Exception e) {
            err.println(dir + ": could not check the routes: " + e);
            return UNUSABLE;
        }
    }
}
