package dev.wagateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wagateway.support.Await;
import dev.wagateway.support.TestPostgres;

/**
 * One gateway process at a time on one listening socket that outlives it, as systemd's {@code wagateway.socket} and
 * {@code StandardInput=socket} run it (deploy/systemd): a sender that never retries posts steadily while the gateway
 * is stopped with {@code SIGTERM} and started again on the same socket, and every post is answered 200 and stored.
 * A small Python program stands in for systemd (Java cannot hand a socket to a child as its standard input): it holds
 * the socket and starts each gateway with it as fd 0. The sender speaks HTTP/1.1 over plain sockets, half of it on
 * kept-alive connections, half on a connection per post, and never sends a post twice.
 */
class SocketActivationIT {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String WEBHOOK = "/api/whatsapp/webhook";

    @Test
    void aRestartOnTheKeptSocketAnswersEveryPost200AndStoresEveryEvent() throws Exception {
        String database = TestPostgres.createDatabase("socket");
        int serverPort = freePort();
        try (SocketHolder holder = SocketHolder.start()) {
            Path firstLog = Files.createTempFile("wagw-socket-first", ".log");
            Path secondLog = Files.createTempFile("wagw-socket-second", ".log");
            long first = holder.startGateway(firstLog, gatewayCommand(serverPort, database));
            // Connected at once (the socket listens from the start); answered once the routes run.
            assertThat(new RawHttp(holder.port(), false).get(WEBHOOK)).as("first answer").isEqualTo(200);
            assertThat(listens(serverPort)).as("SERVER_PORT bound while served on the inherited socket").isFalse();
            assertThat(Files.readString(firstLog)).contains("Web server: serving on the socket inherited on standard "
                    + "input (/127.0.0.1:" + holder.port() + "); SERVER_PORT " + serverPort + " is not bound");

            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            List<String> unanswered = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger sent = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                boolean keepAlive = s % 2 == 0;
                String session = "socket-" + s;
                Thread t = new Thread(() -> {
                    RawHttp http = new RawHttp(holder.port(), keepAlive);
                    for (int i = 0; !stop.get(); i++) {
                        sent.incrementAndGet();
                        try {
                            RawHttp.Answer answer = http.post(WEBHOOK, body(session, i));
                            statuses.merge(answer.status(), 1, Integer::sum);
                            String eventId = MAPPER.readTree(answer.body()).path("eventId").asText();
                            if (answer.status() == 200 && !eventId.isEmpty()) {
                                acknowledged.add(eventId);
                            } else {
                                statuses.merge(-1, 1, Integer::sum);
                                unanswered.add(session + "/" + i + " at " + java.time.Instant.now() + ": answered "
                                        + answer.status() + " " + answer.headers() + answer.body());
                            }
                        } catch (IOException e) {
                            unanswered.add(session + "/" + i + (keepAlive ? " (kept-alive)" : "") + ": " + e);
                        }
                        sleep(10);
                    }
                    http.close();
                }, "sender-" + s);
                t.start();
                senders.add(t);
            }
            Await.until(Duration.ofSeconds(60), () -> acknowledged.size() >= 200, "200 events acknowledged");

            int exit = holder.stopGateway(first);
            long second = holder.startGateway(secondLog, gatewayCommand(serverPort, database));
            int beforeSecond = acknowledged.size();
            Await.until(Duration.ofSeconds(120), () -> acknowledged.size() >= beforeSecond + 200,
                    "200 more events acknowledged by the second process");
            stop.set(true);
            for (Thread t : senders) {
                t.join(60_000);
            }
            holder.stopGateway(second);

            assertThat(exit).as("first process's exit (SIGTERM)").isIn(0, 143);
            assertThat(Files.readString(firstLog)).contains("handing the inherited socket over");
            assertThat(unanswered).as("posts without an answer, of %d sent (logs %s, %s)", sent.get(), firstLog, secondLog)
                    .isEmpty();
            assertThat(statuses.keySet()).as("answers: %s", statuses).containsOnly(200);
            assertThat(acknowledged).as("posts answered").hasSize(sent.get());
            List<String> stored = TestPostgres.jdbc(database).queryForList("SELECT event_id FROM wa_events",
                    String.class);
            assertThat(new HashSet<>(stored)).as("every acknowledged event stored").containsAll(acknowledged);
            assertThat(stored).as("stored once each").hasSameSizeAs(acknowledged);
        }
    }

    private static List<String> gatewayCommand(int serverPort, String database) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.wagateway.GatewayApplication",
                "--server.port=" + serverPort));
        command.addAll(TestPostgres.gatewayArguments(database,
                "--gateway.rate-limit.trusted-senders=127.0.0.1/32,::1/128",
                "--gateway.rate-limit.trusted-per-minute=1000000",
                "--gateway.media.dir=target/socket-activation-media",
                // the test class path sets the root level to WARN; the hand-over says what it does at INFO
                "--logging.level.dev.wagateway.intake=INFO"));
        return command;
    }

    private static String body(String session, int i) {
        return "{\"sessionId\":\"" + session + "\",\"event\":\"loading_screen\",\"data\":{\"percent\":" + i + "}}";
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static boolean listens(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** src/test/resources/ops/socket_holder.py: holds the listening socket, starts and stops the gateways. */
    static final class SocketHolder implements AutoCloseable {

        private final Process process;
        private final BufferedReader replies;
        private final PrintWriter commands;
        private final int port;

        private SocketHolder(Process process) throws IOException {
            this.process = process;
            this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            this.port = Integer.parseInt(reply("listening"));
        }

        static SocketHolder start() throws Exception {
            Path script = Path.of(SocketActivationIT.class.getResource("/ops/socket_holder.py").toURI());
            return new SocketHolder(new ProcessBuilder("python3", script.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }

        int port() {
            return port;
        }

        long startGateway(Path log, List<String> command) throws IOException {
            StringBuilder line = new StringBuilder("start ").append(quote(log.toString()));
            for (String word : command) {
                line.append(' ').append(quote(word));
            }
            commands.println(line);
            return Long.parseLong(reply("started"));
        }

        /** SIGTERM, and the exit status once the process has ended. */
        int stopGateway(long pid) throws IOException {
            commands.println("stop " + pid);
            return Integer.parseInt(reply("exited").split(" ")[1]);
        }

        private String reply(String expected) throws IOException {
            String line = replies.readLine();
            if (line == null || !line.startsWith(expected + " ")) {
                throw new IOException("socket holder said " + line + ", expected " + expected);
            }
            return line.substring(expected.length() + 1);
        }

        private static String quote(String word) {
            return "'" + word.replace("'", "'\"'\"'") + "'";
        }

        @Override
        public void close() throws InterruptedException {
            commands.close(); // the holder kills what it still runs and exits
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * HTTP/1.1 as a sender that never retries speaks it: one request at a time, on a kept-alive connection until the
     * server says {@code Connection: close} (or on a new connection per request), and a request that fails on the way
     * is reported, never sent again.
     */
    static final class RawHttp {

        private final int port;
        private final boolean keepAlive;
        private Socket socket;

        RawHttp(int port, boolean keepAlive) {
            this.port = port;
            this.keepAlive = keepAlive;
        }

        record Answer(int status, String headers, String body) {
        }

        int get(String path) throws IOException {
            return exchange("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + connectionHeader() + "\r\n",
                    new byte[0]).status();
        }

        Answer post(String path, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            return exchange("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n" + connectionHeader() + "\r\n", body);
        }

        private String connectionHeader() {
            return keepAlive ? "" : "Connection: close\r\n";
        }

        private Answer exchange(String head, byte[] body) throws IOException {
            if (socket == null) {
                socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                // The next process may take a while to start: the request waits in the backlog meanwhile.
                socket.setSoTimeout(90_000);
            }
            try {
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                InputStream in = socket.getInputStream();
                String statusLine = line(in);
                int status = Integer.parseInt(statusLine.split(" ")[1]);
                long length = -1;
                boolean chunked = false;
                boolean close = !keepAlive;
                StringBuilder headers = new StringBuilder();
                for (String header = line(in); !header.isEmpty(); header = line(in)) {
                    headers.append(header).append("; ");
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    } else if (lower.startsWith("connection:") && lower.contains("close")) {
                        close = true;
                    }
                }
                close |= !chunked && length < 0;
                // Neither length nor chunks: the body ends with the connection (Tomcat does that on a closing one).
                byte[] bytes = chunked ? chunks(in) : length >= 0 ? in.readNBytes((int) length) : in.readAllBytes();
                String answer = new String(bytes, StandardCharsets.UTF_8);
                if (close) {
                    close();
                }
                return new Answer(status, headers.toString(), answer);
            } catch (IOException | RuntimeException e) {
                close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }

        private static byte[] chunks(InputStream in) throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
                // no trailers expected
            }
            return body.toByteArray();
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed after \"" + line + "\"");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing only
                }
                socket = null;
            }
        }
    }
}
