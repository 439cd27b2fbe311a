package dev.wagateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.wagateway.intake.RouteGate;
import dev.wagateway.routes.RouteProblem;
import dev.wagateway.routes.RoutesValidator;

/**
 * ROUTES_RELOAD: applies an edited, added or removed file of the routes directory to the running gateway, one
 * file at a time, while it keeps taking webhooks.
 * <p>
 * Why not Camel's own reload strategy: it removes every route (and the output routes made from templates, which
 * have no file to come back from) or swaps routes with no regard to the requests arriving at that moment, and a
 * file that loads but cannot start leaves its routes gone. Here the directory is polled (content hashes: editors
 * that replace files and container bind mounts that never deliver file events both work); each change is swapped
 * in under the {@link RouteGate}'s exclusive permit, so requests in flight finish first and new ones wait for the
 * swap instead of meeting a missing route; and a file that does not load or start is refused with one log line
 * while the routes it held are put back as they were. Route templates (outputs.yaml) are re-read, but the output
 * routes made from them at start-up keep their definition until a restart.
 * <p>
 * Watching starts once the application is ready and ends as it starts closing. (Not a Lifecycle bean: Spring starts
 * a Lifecycle bean's dependencies with it, and Camel started that early would start before its routes are loaded.)
 */
class RouteReloader implements ApplicationListener<ApplicationEvent> {

    private static final Logger log = LoggerFactory.getLogger(RouteReloader.class);

    private final CamelContext camel;
    private final RouteGate gate;
    private final Path directory;
    private final Duration interval;
    private final Duration maxSwapWait;
    private final RequestMappingHandlerMapping httpMappings;
    private final RoutesValidator validator = new RoutesValidator();
    /** What the route check found at start-up: not held against later edits (they did not cause it). */
    private Set<String> problemsAtStart = Set.of();
    /** Removed files whose routes are kept because other routes still need them, reported once. */
    private final Set<Path> keptAfterRemoval = new HashSet<>();
    /** The content last applied (or found at start-up) per file: what a refused edit falls back to. */
    private final Map<Path, byte[]> applied = new HashMap<>();
    /** Contents already tried and refused, so a broken file is reported once, not on every poll. */
    private final Map<Path, byte[]> refused = new HashMap<>();
    private volatile Thread poller;

    /** {@code httpMappings}: where platform-http maps the routes' paths in Spring MVC (null: none to clean up). */
    public RouteReloader(CamelContext camel, RouteGate gate, Path directory, Duration interval, Duration maxSwapWait,
            RequestMappingHandlerMapping httpMappings) {
        this.camel = camel;
        this.httpMappings = httpMappings;
        this.gate = gate;
        this.directory = directory.toAbsolutePath().normalize();
        this.interval = interval;
        this.maxSwapWait = maxSwapWait;
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationReadyEvent) {
            start();
        } else if (event instanceof ContextClosedEvent) {
            stop();
        }
    }

    private synchronized void start() {
        if (poller != null) {
            return;
        }
        try {
            for (Path file : routeFiles()) {
                applied.put(file, Files.readAllBytes(file));
            }
            problemsAtStart = newProblems(Set.of());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the routes directory " + directory, e);
        }
        Thread t = new Thread(this::pollLoop, "route-reloader");
        t.setDaemon(true);
        poller = t;
        t.start();
        log.info("route reload on: watching {} every {}", directory, interval);
    }

    private void stop() {
        Thread t = poller;
        poller = null;
        if (t != null) {
            t.interrupt();
            synchronized (this) {
                // a swap in progress finishes (or gives up, interrupted) before the context goes on closing
            }
        }
    }

    private void pollLoop() {
        while (poller == Thread.currentThread()) {
            try {
                Thread.sleep(interval.toMillis());
                scan();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("route reload: scanning {} failed", directory, e);
            }
        }
    }

    /**
     * One pass over the directory. Changed, new and removed files are first put through the route check
     * (routes.RoutesValidator, as {@code tools/validate-routes} does): an edit that makes a mistake the check can
     * see (schema, a direct: no route consumes, an unknown bean, a duplicate id) is refused before anything is
     * swapped; a removal that would leave other routes sending into nothing keeps the removed file's routes running.
     */
    synchronized void scan() {
        List<Path> present;
        try {
            present = routeFiles();
        } catch (IOException e) {
            log.warn("route reload: cannot list {}: {}", directory, e.toString());
            return;
        }
        Map<Path, byte[]> changed = new LinkedHashMap<>();
        for (Path file : present) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                continue; // being replaced right now: next pass
            }
            if (!Arrays.equals(content, applied.get(file)) && !Arrays.equals(content, refused.get(file))) {
                changed.put(file, content);
            }
        }
        List<Path> removed = applied.keySet().stream()
                .filter(f -> !present.contains(f) && !keptAfterRemoval.contains(f)).toList();
        if (changed.isEmpty() && removed.isEmpty()) {
            return;
        }
        Set<String> problems = newProblems(problemsAtStart);
        changed.forEach((file, content) -> {
            List<String> mine = problems.stream().filter(p -> p.startsWith(file + ":")).toList();
            if (mine.isEmpty()) {
                apply(file, content);
            } else {
                refused.put(file, content);
                log.error("route reload: {} refused, the routes loaded before keep running: it does not pass the "
                        + "route check:\n  {}", file.getFileName(), String.join("\n  ", mine));
            }
        });
        // Findings in files changed in this pass, or whose content on disk was refused, are not the removals'.
        List<String> broken = problems.stream()
                .filter(p -> Stream.concat(changed.keySet().stream(), refused.keySet().stream())
                        .noneMatch(f -> p.startsWith(f + ":")))
                .toList();
        for (Path gone : removed) {
            if (broken.isEmpty()) {
                remove(gone);
            } else {
                keptAfterRemoval.add(gone);
                log.error("route reload: {} was removed, but other routes still need what it provided; its routes "
                        + "keep running (put it back, or fix these and restart):\n  {}", gone.getFileName(),
                        String.join("\n  ", broken));
            }
        }
        keptAfterRemoval.removeIf(present::contains);
    }

    /** The route check's findings in the directory as it is now, less those already there at start-up. */
    private Set<String> newProblems(Set<String> known) {
        try {
            // The directory is absolute and normalised, so each finding names its file as scan() does.
            Set<String> found = new LinkedHashSet<>();
            for (RouteProblem problem : validator.validate(directory)) {
                String line = problem.toString();
                if (!known.contains(line)) {
                    found.add(line);
                }
            }
            return found;
        } catch (IOException | RuntimeException e) {
            log.warn("route reload: the route check could not run ({}); changes are applied unchecked", e.toString());
            return Set.of();
        }
    }

    private void apply(Path file, byte[] content) {
        byte[] previous = applied.get(file);
        Set<String> before = routeIdsFrom(file);
        try {
            Set<String> loaded = gate.exclusively(maxSwapWait, () -> {
                Set<String> ids = PluginHelper.getRoutesLoader(camel).updateRoutes(resource(file, content));
                Set<String> dropped = new HashSet<>(before);
                dropped.removeAll(ids);
                for (String id : dropped) {
                    removeRoute(id);
                }
                for (String id : ids) {
                    if (camel.getRouteController().getRouteStatus(id) != ServiceStatus.Started
                            && camel.getRoute(id) != null && camel.getRoute(id).isAutoStartup()) {
                        throw new IllegalStateException("route " + id + " did not start");
                    }
                }
                return ids;
            });
            applied.put(file, content);
            refused.remove(file);
            log.info("route reload: {} applied, routes {}", file.getFileName(), loaded);
            if (new String(content, StandardCharsets.UTF_8).contains("routeTemplate:")) {
                log.warn("route reload: {} defines route templates; the routes already made from them (the outputs) "
                        + "keep their old definition until the gateway restarts", file.getFileName());
            }
        } catch (Exception e) {
            refused.put(file, content);
            log.error("route reload: {} refused, the routes loaded before keep running: {}", file.getFileName(),
                    rootMessage(e));
            restore(file, previous, before);
        }
    }

    /** Puts back what a refused file had loaded, if its failure removed any of it. */
    private void restore(Path file, byte[] previous, Set<String> before) {
        boolean intact = before.stream().allMatch(id -> camel.getRouteController().getRouteStatus(id) == ServiceStatus.Started
                || (camel.getRoute(id) != null && !camel.getRoute(id).isAutoStartup()));
        if (intact && routeIdsFrom(file).equals(before)) {
            return;
        }
        try {
            gate.exclusively(maxSwapWait, () -> {
                for (String id : routeIdsFrom(file)) {
                    if (!before.contains(id)) {
                        removeRoute(id);
                    }
                }
                if (previous != null) {
                    PluginHelper.getRoutesLoader(camel).updateRoutes(resource(file, previous));
                }
                return null;
            });
            log.info("route reload: the routes of {} before the refused edit are running again", file.getFileName());
        } catch (Exception e) {
            log.error("route reload: could not put back the routes of {}: {}", file.getFileName(), rootMessage(e));
        }
    }

    private void remove(Path file) {
        Set<String> ids = routeIdsFrom(file);
        try {
            gate.exclusively(maxSwapWait, () -> {
                for (String id : ids) {
                    removeRoute(id);
                }
                return null;
            });
            applied.remove(file);
            refused.remove(file);
            log.info("route reload: {} removed, routes {} stopped and removed", file.getFileName(), ids);
        } catch (Exception e) {
            log.error("route reload: could not remove the routes of {}: {}", file.getFileName(), rootMessage(e));
        }
    }

    private void removeRoute(String id) throws Exception {
        camel.getRouteController().stopRoute(id);
        camel.removeRoute(id);
        unmapStalePaths();
    }

    /**
     * platform-http on Spring Boot never unmaps a removed route's path (its unregister is a no-op), so a request
     * there would reach the stopped consumer and fail with 500: unmap every path whose endpoint no route consumes
     * any more, and it answers 404 like any unknown path. A replaced route maps its path again when it starts.
     */
    private void unmapStalePaths() {
        if (httpMappings == null) {
            return;
        }
        Set<String> live = new HashSet<>();
        camel.getRoutes().forEach(r -> live.add(r.getEndpoint().getEndpointUri()));
        httpMappings.getHandlerMethods().entrySet().stream()
                .filter(e -> e.getValue().getBean() instanceof Consumer c && !live.contains(c.getEndpoint().getEndpointUri()))
                .map(Map.Entry::getKey).toList()
                .forEach(httpMappings::unregisterMapping);
    }

    /** The ids of the running routes loaded from this file. */
    private Set<String> routeIdsFrom(Path file) {
        Set<String> ids = new HashSet<>();
        for (Route route : camel.getRoutes()) {
            Resource source = route.getSourceResource();
            if (source != null && file.equals(pathOf(source.getLocation()))) {
                ids.add(route.getRouteId());
            }
        }
        return ids;
    }

    private static Path pathOf(String location) {
        if (location == null || !location.startsWith("file:")) {
            return null;
        }
        return Path.of(location.substring("file:".length())).toAbsolutePath().normalize();
    }

    private static Resource resource(Path file, byte[] content) {
        return ResourceHelper.fromBytes("file:" + file, content);
    }

    private List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p))
                    .map(p -> p.toAbsolutePath().normalize()).sorted().toList();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getMessage() + " (" + root + ")";
    }
}
