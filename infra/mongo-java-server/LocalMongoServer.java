import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The platform's embedded MongoDB-compatible database: mongo-java-server with its H2 MVStore
 * backend, so data survives a restart. Used instead of FerretDB v1/SQLite, whose updates and
 * secondary queries scan whole collections (see README, "Database").
 *
 * Usage: LocalMongoServer <host> <port> <data-file>
 */
public final class LocalMongoServer {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LocalMongoServer <host> <port> <data-file>");
            System.exit(2);
        }
        Path file = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(file.getParent());
        H2Backend backend = new H2Backend(file.toString());
        MongoServer server = new MongoServer(backend);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM: stop accepting, close connections, then close the store so H2 writes its last commit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            stopped.countDown();
        }));
        server.bind(args[0], Integer.parseInt(args[1]));
        System.err.println("mongo-java-server (H2) listening on " + args[0] + ":" + args[1] + ", data " + file);
        stopped.await();
    }
}
