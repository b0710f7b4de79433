import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The platform's embedded MongoDB-compatible database: mongo-java-server with its H2 MVStore
 * backend, so data survives a restart. Used instead of FerretDB v1/SQLite, whose updates and
 * secondary queries scan whole collections (see README, "Database").
 *
 * Usage: LocalMongoServer <host> <port> <data-file>
 * The data file {@code memory} selects mongo-java-server's in-memory backend instead: nothing is
 * written, everything is lost when the process ends (bench/database measures it against H2).
 */
public final class LocalMongoServer {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: LocalMongoServer <host> <port> <data-file>");
            System.exit(2);
        }
        MongoBackend backend;
        String where;
        if (args[2].equals("memory")) {
            backend = new MemoryBackend();
            where = "in memory (not durable)";
        } else {
            Path file = Path.of(args[2]).toAbsolutePath();
            Files.createDirectories(file.getParent());
            backend = new H2Backend(file.toString());
            where = file.toString();
        }
        MongoServer server = new MongoServer(backend);
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM: stop accepting, close connections, then close the store so H2 writes its last commit.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            stopped.countDown();
        }));
        server.bind(args[0], Integer.parseInt(args[1]));
        System.err.println("mongo-java-server listening on " + args[0] + ":" + args[1] + ", data " + where);
        stopped.await();
    }
}
