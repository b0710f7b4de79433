// The embedded database's typed maps (infra/mongo-java-server/LocalMongoServer.java, docs/reliability.md): a data file written
// by mongo-java-server's stock H2 backend (Java serialisation; what every file before the typed maps holds) opens in the typed
// server with every document and every unique key as they were, and what the typed server acknowledges survives kill -9.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Binary, BSON, Collection, Document, Long, MongoClient, UUID } from 'mongodb';

const ROOT = path.resolve(__dirname, '../..');
const MJS = path.join(process.env.INFRA_CACHE_DIR ?? path.join(ROOT, '.cache'), 'mongo-java-server');

type Server = { child: ChildProcess; output: () => string; client: MongoClient };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

/** LocalMongoServer on `file`: `--no-sync` runs the stock H2 backend (the old format), else the typed maps. */
async function startServer(file: string, mode: 'stock' | 'typed'): Promise<Server> {
  const port = await freePort();
  const args = ['-Xmx256m', '-cp', `${MJS}/classes:${MJS}/libs/*`, 'LocalMongoServer', '127.0.0.1', String(port), file];
  const child = spawn('java', mode === 'stock' ? [...args, '--no-sync'] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const listening = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', () => output.includes('listening on') && resolve());
    child.once('exit', (code) => reject(new Error(`LocalMongoServer exited (${code}):\n${output}`)));
  });
  await Promise.race([listening, new Promise((_, reject) => setTimeout(() => reject(new Error(`LocalMongoServer not listening:\n${output}`)), 60_000))]);
  const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}`, { serverSelectionTimeoutMS: 10_000, useBigInt64: true });
  return { child, output: () => output, client };
}

async function stop(server: Server | undefined, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (!server) return;
  await server.client.close(true).catch(() => undefined);
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill(signal);
  await exited;
}

/** Every type the services store: int32, int64 beyond a double, double, unicode text, dates, nested arrays and documents, binary, UUID, null. */
const report = (i: number) => ({
  n: i,
  big: Long.fromString(`${9_007_199_254_740_993n + BigInt(i)}`),
  ratio: i / 7,
  text: `Jl. Jenderal Sudirman No. ${i} — kebakaran, ü, 火`,
  at: new Date(Date.UTC(2026, 11, 7, 12, 0, 0, i)),
  nested: { list: [i, 'dua', { tiga: null }, [4.5]], empty: {} },
  bin: new Binary(Buffer.from([i % 256, 0, 255])),
  uuid: new UUID(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
  flag: i % 2 === 0,
});
/** A collection with a string _id and three more unique indexes: one sparse (half the documents lack the field), one compound. */
const code = (i: number) => ({
  _id: `code-${i}`,
  code: `TRK-${i}`,
  streamId: `s-${i % 50}`,
  version: Math.floor(i / 50),
  ...(i % 2 ? { ext: `ext-${i}` } : {}),
});
const UNIQUE = [{ code: 1 }, { streamId: 1, version: 1 }, { ext: 1 }] as const;

const all = async <T extends Document>(c: Collection<T>) => BSON.EJSON.stringify(await c.find({}).sort({ _id: 1 }).toArray(), { relaxed: false });
const duplicateRefused = (write: Promise<unknown>) =>
  write.then(
    () => 'accepted',
    (e: { code?: number }) => (e.code === 11000 ? 'refused' : String(e)),
  );

describe('the embedded database: typed maps over a file of the stock H2 format (real LocalMongoServer)', () => {
  let dir: string;
  let server: Server | undefined;

  beforeAll(() => void (dir = mkdtempSync(path.join(tmpdir(), 'typed-maps-'))));
  afterEach(() => stop(server, 'SIGKILL').then(() => void (server = undefined)));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a file the stock backend wrote with every document and unique key as they were, and keeps what it acknowledges across kill -9', async () => {
    const file = path.join(dir, 'callcenter.mv');
    const db = () => server!.client.db('typed_maps');
    const [reports, codes] = [() => db().collection('reports'), () => db().collection<Document & { _id: string }>('codes')];

    server = await startServer(file, 'stock');
    await reports().insertMany(Array.from({ length: 300 }, (_, i) => report(i)));
    for (const key of UNIQUE) await codes().createIndex(key, { unique: true, sparse: 'ext' in key });
    await codes().insertMany(Array.from({ length: 400 }, (_, i) => code(i)));
    const before = { reports: await all(reports()), codes: await all(codes()) };
    await stop(server, 'SIGTERM'); // the stock backend writes its last commit when it closes

    server = await startServer(file, 'typed');
    for (const index of ['_id_', 'code_1', 'streamId_1_version_1', 'ext_1']) expect(server.output()).toContain(`index ${index} of typed_maps.codes: `);
    expect(server.output()).toMatch(/index _id_ of typed_maps\.reports: 300 keys copied into a typed map/);
    expect(await all(reports())).toBe(before.reports);
    expect(await all(codes())).toBe(before.codes);
    // Every unique key still refuses its duplicate; a sparse index still takes documents without its field.
    expect(await duplicateRefused(codes().insertOne({ _id: 'code-7', code: 'TRK-new' }))).toBe('refused');
    expect(await duplicateRefused(codes().insertOne({ _id: 'new-1', code: 'TRK-7' }))).toBe('refused');
    expect(await duplicateRefused(codes().insertOne({ _id: 'new-2', code: 'TRK-n2', streamId: 's-7', version: 0 }))).toBe('refused');
    expect(await duplicateRefused(codes().insertOne({ _id: 'new-3', code: 'TRK-n3', streamId: 's-n', version: 0, ext: 'ext-7' }))).toBe('refused');
    expect(await duplicateRefused(codes().insertOne({ _id: 'new-4', code: 'TRK-n4', streamId: 's-n', version: 1 }))).toBe('accepted');
    const someReport = JSON.parse(before.reports)[123];
    expect(await reports().findOne({ _id: BSON.EJSON.deserialize(someReport)._id })).toMatchObject({ n: 123 });
    expect(await codes().findOne({ code: 'TRK-399' })).toMatchObject({ _id: 'code-399' });

    // A document of the old format changed, one added, both acknowledged; then kill -9 and back.
    await reports().updateOne({ n: 5 }, { $set: { text: 'diperbarui' }, $push: { 'nested.list': 'lima' } as Document });
    await codes().insertOne({ _id: 'after-kill', code: 'TRK-after', streamId: 's-k', version: 0, ext: 'ext-after' });
    await stop(server, 'SIGKILL');

    server = await startServer(file, 'typed');
    expect(server.output()).not.toContain('keys copied');
    expect(await reports().findOne({ n: 5 })).toMatchObject({ text: 'diperbarui', nested: { list: [5, 'dua', { tiga: null }, [4.5], 'lima'] } });
    expect(BSON.EJSON.stringify(await reports().findOne({ n: 6 }), { relaxed: false })).toBe(JSON.stringify(JSON.parse(before.reports)[6]));
    expect(await codes().findOne({ ext: 'ext-after' })).toMatchObject({ _id: 'after-kill' });
    expect(await duplicateRefused(codes().insertOne({ _id: 'again', code: 'TRK-after' }))).toBe('refused');
    expect(await codes().countDocuments()).toBe(402);
  });
});
