import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonDecoder;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.CountDownLatch;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;
import org.h2.mvstore.type.ObjectDataType;

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
 * with {@code j: false}), and stores documents and unique-index keys in typed maps (BSON, keys
 * compared value by value) instead of Java serialisation ({@link DurableH2Backend.TypedH2Database}).
 * {@code --no-sync} keeps the stock H2 backend (its format, answers before fsync), for
 * bench/database/durability.bench.ts to measure against and suites/database to write a file of
 * the stock format.
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
            // A page cache of 256 MiB (H2's default: 16), so a write seldom reads its pages back from the file.
            super(new MVStore.Builder().fileName(file).cacheSize(256).open());
            syncedVersion = getMvStore().getCurrentVersion();
        }

        /** Databases whose maps are typed (TypedH2Database); H2Backend's constructor opens those in the file. */
        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            return new TypedH2Database(databaseName, getMvStore(), getCursorRegistry());
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

        /**
         * H2Database with typed maps instead of H2's ObjectDataType, which stores every document and
         * every unique-index key with Java serialisation and compares index keys (mongo-java-server's
         * KeyValue is not Comparable) by serialising both sides, at every step of every B-tree search:
         * a JFR profile at 50 reports/s put 27 % of the database's CPU in those comparisons and 36 % in
         * Java serialisation (docs/performance.md, "The embedded database's maps typed").
         * <ul>
         * <li>A collection's documents are stored as BSON ({@link DocumentType}); what was stored
         * before is still read.</li>
         * <li>Unique indexes (every collection's _id among them) live in maps named
         * {@code <ns>._index2_<name>}, their keys compared value by value ({@link KeyType}). An index
         * map of the old kind (ordered by serialised bytes, so it cannot be read with the new order)
         * is copied into the new map when its collection opens, then removed, in one commit.</li>
         * </ul>
         * The data maps' own keys (the _id values) keep H2's type and order.
         */
        final class TypedH2Database extends H2Database {
            private static final String INDEX_MAP_INFIX = "._index2_";

            // H2Database keeps its store private and opens collections from its constructor, before a field here
            // would be set: the maps are opened through the backend's getMvStore().
            TypedH2Database(String databaseName, MVStore store, CursorRegistry cursors) {
                super(databaseName, store, cursors);
            }

            @Override
            protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
                String ns = getFullCollectionNamespace(collectionName);
                MVMap<Object, Document> data = getMvStore().openMap("databases." + ns, new MVMap.Builder<Object, Document>().valueType(DocumentType.INSTANCE));
                MVMap<String, Object> meta = getMvStore().openMap("meta." + ns);
                return new TypedH2Collection(this, collectionName, options, data, meta, cursorRegistry);
            }

            @Override
            protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
                MVStore store = getMvStore();
                String ns = getFullCollectionNamespace(collectionName), oldName = ns + "._index_" + indexName;
                MVMap<KeyValue, Object> map = store.openMap(ns + INDEX_MAP_INFIX + indexName,
                    new MVMap.Builder<KeyValue, Object>().keyType(KeyType.INSTANCE).valueType(ValueType.INSTANCE));
                if (store.hasMap(oldName)) {
                    MVMap<KeyValue, Object> old = store.openMap(oldName);
                    map.clear(); // a copy a crash interrupted before its commit is not there; one after it would have removed the old map
                    for (Entry<KeyValue, Object> e : old.entrySet()) map.put(e.getKey(), e.getValue());
                    store.removeMap(old);
                    store.commit();
                    System.err.println("index " + indexName + " of " + ns + ": " + map.sizeAsLong() + " keys copied into a typed map");
                }
                return new TypedUniqueIndex(map, indexName, keys, sparse);
            }

            @Override
            protected void dropIndex(MongoCollection<Object> collection, String indexName) {
                super.dropIndex(collection, indexName);
                getMvStore().removeMap(getFullCollectionNamespace(collection.getCollectionName()) + INDEX_MAP_INFIX + indexName);
            }
        }
    }

    /**
     * H2Collection without a running count of its documents' BSON size: that count cost every
     * insert and delete a BSON encoding of the document, every update two (old and new), and each
     * of them a write of the collection's meta map. The size is summed when collStats or validate
     * asks for it (nothing of the platform's does).
     */
    static final class TypedH2Collection extends H2Collection {
        /** False while H2Collection's constructor runs (its debug line asks for the size). */
        private final boolean opened;

        TypedH2Collection(MongoDatabase db, String name, CollectionOptions options, MVMap<Object, Document> data, MVMap<String, Object> meta,
                          CursorRegistry cursors) {
            super(db, name, options, data, meta, cursors);
            opened = true;
        }

        @Override
        protected boolean tracksDataSize() {
            return false;
        }

        @Override
        protected int getDataSize() {
            if (!opened) return 0;
            long size = queryAllAsStream().mapToLong(Bson::size).sum();
            return (int) Math.min(Integer.MAX_VALUE, size);
        }
    }

    /** mongo-java-server's H2UniqueIndex, on a typed map. */
    static final class TypedUniqueIndex extends AbstractUniqueIndex<Object> {
        private final MVMap<KeyValue, Object> map;

        TypedUniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            this.map = map;
        }

        @Override
        protected Object removeDocument(KeyValue key) {
            return map.remove(key);
        }

        @Override
        protected boolean putKeyPosition(KeyValue key, Object position) {
            return map.putIfAbsent(key, Missing.ofNullable(position)) == null;
        }

        @Override
        protected Iterable<Entry<KeyValue, Object>> getIterable() {
            return map.entrySet();
        }

        @Override
        protected Object getPosition(KeyValue key) {
            return map.get(key);
        }

        @Override
        public long getCount() {
            return map.sizeAsLong();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public long getDataSize() {
            return getCount();
        }
    }

    /**
     * A stored document as BSON after a tag byte H2's ObjectDataType never writes (its tags end at
     * 119). A document BSON would not give back exactly (a type BSON lacks, a map or collection BSON
     * reads back as another class, an instant finer than BSON's milliseconds) is written by
     * ObjectDataType as before, and read by it like everything stored before this type.
     */
    static final class DocumentType extends BasicDataType<Document> {
        static final DocumentType INSTANCE = new DocumentType();
        private static final byte BSON = (byte) 0xF5;
        private static final ObjectDataType LEGACY = new ObjectDataType();
        private volatile int averageSize = 512;

        @Override
        public int getMemory(Document d) {
            return averageSize;
        }

        @Override
        public void write(WriteBuffer buff, Document d) {
            if (!Bson.exact(d)) {
                LEGACY.write(buff, d);
                return;
            }
            ByteBuf bytes = Bson.buffer();
            BsonEncoder.encodeDocument(d, bytes);
            int n = bytes.readableBytes();
            averageSize = (averageSize * 15 + n * 2) / 16; // about twice the encoded size on the heap
            buff.put(BSON).put(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), n);
        }

        @Override
        public Document read(ByteBuffer buff) {
            if (buff.get(buff.position()) != BSON) return (Document) LEGACY.read(buff);
            buff.get();
            return Bson.readDocument(buff);
        }

        @Override
        public int compare(Document a, Document b) {
            return KeyType.compareValues(a, b);
        }

        @Override
        public Document[] createStorage(int size) {
            return new Document[size];
        }
    }

    /** BSON through mongo-java-server's own encoder and decoder (those of its wire protocol). */
    static final class Bson {
        /** One encoding buffer per thread, emptied for each use: it keeps the capacity the largest document needed. */
        private static final ThreadLocal<ByteBuf> BUFFER = ThreadLocal.withInitial(() -> Unpooled.buffer(64 * 1024));

        static ByteBuf buffer() {
            return BUFFER.get().clear();
        }

        /** Whether BSON gives `value` back exactly: only the classes its decoder makes, and instants of whole milliseconds. */
        static boolean exact(Object value) {
            if (value == null || value instanceof String || value instanceof Double || value instanceof Integer || value instanceof Long
                || value instanceof Boolean) return true;
            if (value instanceof Document) {
                for (Object v : ((Document) value).values()) if (!exact(v)) return false;
                return true;
            }
            if (value instanceof ArrayList) {
                for (Object v : (List<?>) value) if (!exact(v)) return false;
                return true;
            }
            if (value instanceof Instant) return ((Instant) value).getNano() % 1_000_000 == 0;
            if (value instanceof Map || value instanceof Iterable || value instanceof Missing) return false;
            try {
                BsonEncoder.determineType(value); // ObjectId, Decimal128, binary data, timestamps, regular expressions, min/max keys
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        static int size(Document d) {
            ByteBuf bytes = buffer();
            BsonEncoder.encodeDocument(d, bytes);
            return bytes.readableBytes();
        }

        static Document readDocument(ByteBuffer buff) {
            ByteBuf in = Unpooled.wrappedBuffer(buff.slice());
            Document d = BsonDecoder.decodeBson(in);
            buff.position(buff.position() + in.readerIndex());
            return d;
        }

        /** `value` alone, as the document {v: value}. */
        static void writeValue(WriteBuffer buff, Object value) {
            ByteBuf bytes = Bson.buffer();
            BsonEncoder.encodeDocument(new Document("v", value), bytes);
            buff.put(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
    }

    /**
     * A value in a typed index map (a key's part, or the position it points to): a tag, then
     * {v: value} as BSON, or Java serialisation for what BSON would not give back exactly.
     */
    static final class ValueType extends BasicDataType<Object> {
        static final ValueType INSTANCE = new ValueType();
        private static final byte MISSING = 0, BSON = 1, SERIALIZED = 2;
        private static final ObjectDataType SERIALIZER = new ObjectDataType();

        @Override
        public int getMemory(Object v) {
            return 64;
        }

        @Override
        public void write(WriteBuffer buff, Object v) {
            if (v instanceof Missing) buff.put(MISSING);
            else if (Bson.exact(v)) Bson.writeValue(buff.put(BSON), v);
            else SERIALIZER.write(buff.put(SERIALIZED), v);
        }

        @Override
        public Object read(ByteBuffer buff) {
            byte tag = buff.get();
            if (tag == MISSING) return Missing.getInstance();
            if (tag == BSON) return Bson.readDocument(buff).get("v");
            if (tag == SERIALIZED) return SERIALIZER.read(buff);
            throw new IllegalStateException("unknown value tag " + tag + " in an index map");
        }

        @Override
        public int compare(Object a, Object b) {
            return KeyType.compareValues(a, b);
        }

        @Override
        public Object[] createStorage(int size) {
            return new Object[size];
        }
    }

    /**
     * A unique index's key: its values in turn (ValueType). Ordered value by value: by kind (lists,
     * maps, byte arrays, else the class), then within a kind by its own order (compareTo, entries or
     * elements in turn); 0 exactly when KeyValue.equals holds, as a unique index needs.
     */
    static final class KeyType extends BasicDataType<KeyValue> {
        static final KeyType INSTANCE = new KeyType();

        @Override
        public int getMemory(KeyValue k) {
            return 48 + 32 * k.size();
        }

        @Override
        public void write(WriteBuffer buff, KeyValue k) {
            buff.putVarInt(k.size());
            for (Object v : k) ValueType.INSTANCE.write(buff, v);
        }

        @Override
        public KeyValue read(ByteBuffer buff) {
            int n = org.h2.mvstore.DataUtils.readVarInt(buff);
            List<Object> values = new ArrayList<>(n);
            for (int i = 0; i < n; i++) values.add(ValueType.INSTANCE.read(buff));
            return new KeyValue(values);
        }

        @Override
        public int compare(KeyValue a, KeyValue b) {
            Iterator<Object> x = a.iterator(), y = b.iterator();
            while (x.hasNext() && y.hasNext()) {
                int c = compareValues(x.next(), y.next());
                if (c != 0) return c;
            }
            return Integer.compare(a.size(), b.size());
        }

        @Override
        public KeyValue[] createStorage(int size) {
            return new KeyValue[size];
        }

        private static String kind(Object v) {
            if (v instanceof Missing) return "0missing";
            if (v instanceof List) return "list";
            if (v instanceof Map) return "map";
            return v.getClass().getName();
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        static int compareValues(Object a, Object b) {
            if (a == b) return 0;
            if (a == null || b == null) return a == null ? -1 : 1;
            String ka = kind(a), kb = kind(b);
            if (!ka.equals(kb)) return ka.compareTo(kb);
            if (a instanceof Missing) return 0;
            if (a instanceof List) {
                List<?> x = (List<?>) a, y = (List<?>) b;
                for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
                    int c = compareValues(x.get(i), y.get(i));
                    if (c != 0) return c;
                }
                return Integer.compare(x.size(), y.size());
            }
            if (a instanceof Map) {
                Iterator<Entry<String, Object>> x = ((Map<String, Object>) a).entrySet().iterator(), y = ((Map<String, Object>) b).entrySet().iterator();
                while (x.hasNext() && y.hasNext()) {
                    Entry<String, Object> ex = x.next(), ey = y.next();
                    int c = ex.getKey().compareTo(ey.getKey());
                    if (c == 0) c = compareValues(ex.getValue(), ey.getValue());
                    if (c != 0) return c;
                }
                return Boolean.compare(x.hasNext(), y.hasNext());
            }
            if (a instanceof byte[]) return Arrays.compare((byte[]) a, (byte[]) b);
            if (a instanceof Comparable) return ((Comparable) a).compareTo(b);
            return a.equals(b) ? 0 : Arrays.compare(ObjectDataType.serialize(a), ObjectDataType.serialize(b));
        }
    }
}
