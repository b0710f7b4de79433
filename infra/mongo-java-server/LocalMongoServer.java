import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.h2.mvstore.MVStore;

/**
 * The platform's embedded MongoDB-compatible database: mongo-java-server with its H2 MVStore
 * backend, so data survives a restart. Used instead of FerretDB v1/SQLite, whose updates and
 * secondary queries scan whole collections (see README, "Database").
 *
 * Usage: LocalMongoServer <host> <port> <data-file> [--no-sync]
 * The data file {@code memory} selects mongo-java-server's in-memory backend instead: nothing is
 * written, everything is lost when the process ends (bench/database measures it against H2).
 *
 * H2's MVStore commits in a background thread every second and fsyncs only when it closes, so
 * mongo-java-server's H2 backend answers a write before it is on disk (kill -9 lost up to 372
 * acknowledged commits, a power cut up to 405: docs/reliability.md). {@link DurableH2Backend}
 * commits and fsyncs the store before it answers any command that changed it (but a write sent
 * with {@code j: false}). {@code --no-sync}
 * keeps the old behaviour, for bench/database/durability.bench.ts to measure against.
 */
public final class LocalMongoServer {
    public static void main(String[] args) throws Exception {
        boolean sync = !(args.length == 4 && args[3].equals("--no-sync"));
        if (args.length != 3 && sync) {
            System.err.println("usage: LocalMongoServer <host> <port> <data-file> [--no-sync]");
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
            backend = sync ? new DurableH2Backend(file.toString()) : new H2Backend(file.toString());
            where = file + (sync ? " (fsync before every write's answer)" : " (--no-sync: NOT durable, answers before fsync)");
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

    /**
     * The H2 backend, but a command that changed the store (insert, update, delete, findAndModify,
     * createIndexes, drop…: whatever left unsaved changes or a commit not yet synced, so no list
     * of write commands to keep up to date) is answered only after MVStore.commit() and an fsync
     * of the store's file. Group commit: a writer that finds another one committing waits for it,
     * then commits everything done meanwhile with one fsync, for all the writers that waited.
     * Reads that changed nothing answer straight away.
     */
    static final class DurableH2Backend extends H2Backend {
        private final Object commitLock = new Object();
        /** The store version known to be on disk. */
        private volatile long syncedVersion;

        DurableH2Backend(String file) {
            super(file);
            syncedVersion = getMvStore().getCurrentVersion();
        }

        /**
         * A command keeps the store version it started at (and every later one) until it ends:
         * MVStore drops a dead chunk once it is older than the retention time and unused since
         * more than versionsToKeep (5) versions, and MVMap reads register no usage of their own.
         * With a commit after every write, 5 versions pass in milliseconds, so a long scan (a
         * find over 100,000 documents, materialised inside the command) would follow its root
         * into a chunk that background compaction had emptied and the commits had dropped:
         * "Chunk … not found". registerVersionUsage is how H2's own transactions pin versions.
         */
        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            MVStore store = getMvStore();
            MVStore.TxCounter pinned = store.isClosed() ? null : store.registerVersionUsage();
            try {
                return super.handleCommand(channel, database, command, query);
            } finally {
                if (pinned != null) store.deregisterVersionUsage(pinned);
                // Also after a failed command: a bulk write may have changed the store before its error.
                if (!unjournaled(query)) makeDurable();
            }
        }

        /**
         * A write whose client asked not to wait for the journal ({@code writeConcern: {j: false}},
         * or {@code w: 0}), as MongoDB allows: answered without the commit and fsync. What it changed
         * is committed by the next command that finds the store changed, or by H2's background
         * commit within a second. For data a crash may lose, such as rate-limit counters.
         */
        static boolean unjournaled(Document query) {
            Object concern = query.get("writeConcern");
            if (!(concern instanceof Document)) return false;
            Document wc = (Document) concern;
            return Boolean.FALSE.equals(wc.get("j")) || Integer.valueOf(0).equals(wc.get("w"));
        }

        private boolean dirty(MVStore store) {
            return store.hasUnsavedChanges() || store.getCurrentVersion() != syncedVersion;
        }

        private void makeDurable() {
            MVStore store = getMvStore();
            if (store.isClosed() || !dirty(store)) return;
            synchronized (commitLock) {
                // The writer before us may have committed and synced our change with its own.
                if (store.isClosed() || !dirty(store)) return;
                store.commit();
                // Read the version before the fsync: a background commit after it is synced next time.
                long version = store.getCurrentVersion();
                store.sync();
                syncedVersion = version;
            }
        }
    }
}
