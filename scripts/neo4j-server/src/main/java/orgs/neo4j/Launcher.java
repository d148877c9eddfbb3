package orgs.neo4j;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.internal.Version;

import picocli.CommandLine;

/**
 * A local Neo4j Community DBMS serving Bolt on 127.0.0.1 only, for tests and trying things out.
 *
 * <p>Started by {@code scripts/neo4j start}; not a production server. Input (all required):
 * <ul>
 *   <li>{@code -Dorgs.neo4j.home=DIR}: an empty folder; the database, its logs and auth files go there.</li>
 *   <li>{@code -Dorgs.neo4j.port=N}: the Bolt port, or 0 for a free one.</li>
 *   <li>{@code -Dorgs.neo4j.ready=FILE}: written once Bolt answers, as {@code port=N} and {@code pid=N}.</li>
 *   <li>the environment variable {@code ORGS_NEO4J_PASSWORD}: the password of user {@code neo4j}
 *       (never on the command line, where {@code ps} would show it).</li>
 * </ul>
 * The password is set before the first start, the way {@code neo4j-admin dbms set-initial-password}
 * does it, so there is no moment when {@code neo4j/neo4j} works and no change is required at login.
 * SIGTERM (scripts/neo4j stop) shuts the DBMS down cleanly through a shutdown hook.
 */
public final class Launcher {
    private static final String LOOPBACK = "127.0.0.1";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(required("orgs.neo4j.home")).toAbsolutePath();
        int port = Integer.parseInt(required("orgs.neo4j.port"));
        Path ready = Path.of(required("orgs.neo4j.ready")).toAbsolutePath();
        String password = System.getenv("ORGS_NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("ORGS_NEO4J_PASSWORD must hold a password of at least 8 characters");
        }
        Files.createDirectories(home);
        setInitialPassword(home, password);
        if (port == 0) {
            port = freePort();
        }

        long heap = Runtime.getRuntime().maxMemory();  // -Xmx, set by scripts/neo4j
        long started = System.nanoTime();
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(Map.of(
                        GraphDatabaseSettings.auth_enabled, true,
                        // Everything listens on loopback only; the routing connector (a second
                        // port) is off: a single server answers neo4j:// routing on Bolt itself.
                        GraphDatabaseSettings.default_listen_address, new SocketAddress(LOOPBACK),
                        GraphDatabaseSettings.default_advertised_address, new SocketAddress(LOOPBACK),
                        GraphDatabaseSettings.routing_enabled, false,
                        BoltConnector.enabled, true,
                        BoltConnector.listen_address, new SocketAddress(LOOPBACK, port),
                        BoltConnector.advertised_address, new SocketAddress(LOOPBACK, port),
                        // Small and quick: a test database of a few thousand elements.
                        GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024,
                        GraphDatabaseSettings.preallocate_logical_logs, false,
                        GraphDatabaseSettings.keep_logical_logs, "keep_none"))
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                // A query whose tracked memory (collect, sorting, aggregation...) goes beyond a
                // quarter of the heap, or all of them together beyond half, is refused instead
                // of the heap running out. Memory Neo4j does not track (a list comprehension)
                // is not bounded here: scripts/neo4j says what happens then.
                .setConfig(GraphDatabaseSettings.memory_tracking, true)
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, heap / 4)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, heap / 2)
                // No usage report to Neo4j Inc. (dbms.usage_report.enabled).
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Internal settings (not public API; checked with this pinned version only):
                // no in-JVM "bolt-local" channel, and no 2 x 5 s quiet period when Bolt stops.
                .setConfig(BoltConnectorInternalSettings.enable_local_connector, false)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("shutting down");
            dbms.shutdown();
            System.out.println("stopped");
        }, "orgs-neo4j-shutdown"));

        GraphDatabaseService neo4j = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!neo4j.isAvailable(Duration.ofSeconds(60).toMillis())) {
            fail("the database 'neo4j' did not become available within 60 s");
        }
        neo4j.executeTransactionally("RETURN 1");  // the database answers a real query
        boltHandshake(port);                         // and Bolt answers on the socket
        long pid = ProcessHandle.current().pid();
        Path partial = ready.resolveSibling(ready.getFileName() + ".partial");
        Files.writeString(partial, "port=" + port + "\npid=" + pid + "\n", StandardCharsets.UTF_8);
        Files.move(partial, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.printf("Neo4j %s Community serving bolt://%s:%d (pid %d), started in %d ms%n",
                Version.getNeo4jVersion(), LOOPBACK, port, pid,
                (System.nanoTime() - started) / 1_000_000);
        Thread.currentThread().join();  // until SIGTERM runs the shutdown hook
    }

    /** What {@code neo4j-admin dbms set-initial-password PASSWORD} does: data/dbms/auth.ini. */
    private static void setInitialPassword(Path home, String password) throws IOException {
        Path conf = home.resolve("conf");
        Files.createDirectories(conf);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        CommandLine command = new CommandLine(new SetInitialPasswordCommand(
                new ExecutionContext(home, conf, quiet, System.err, new DefaultFileSystemAbstraction())));
        // Passed in memory, never through the process's arguments.
        int code = command.execute(password);
        if (code != 0) {
            fail("could not set the initial password (exit code " + code + ")");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    /** Bolt's opening: the magic 0x6060B017 and four version proposals; the server picks one. */
    private static void boltHandshake(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 5000);
            socket.setSoTimeout(5000);
            ByteBuffer hello = ByteBuffer.allocate(20)
                    .putInt(0x6060B017).putInt(0x00000805).putInt(0x00000404).putInt(0).putInt(0);
            socket.getOutputStream().write(hello.array());
            byte[] answer = socket.getInputStream().readNBytes(4);
            if (answer.length != 4 || ByteBuffer.wrap(answer).getInt() == 0) {
                fail("Bolt on port " + port + " did not agree a protocol version");
            }
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isEmpty()) {
            fail("the system property " + property + " is required");
        }
        return value;
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.exit(1);
    }
}
