import { deriveMasterKeys, ERASED, isSealed, MasterKeys, newDataKey, phoneLookupRef, seal, sealedKeyId, unseal, unwrapDataKey, wrapDataKey } from './sealed';
import { MongoKeyStore } from './key-store';

/** A report's data key at hand, to seal its fields. */
export interface ReportSealer {
  readonly keyId: string;
  /** null stays null; '' and any text are sealed. */
  seal(text: string): string;
  seal(text: string | null): string | null;
}

/** How long an unwrapped key is kept in memory; an erasure in another process takes effect after this at the latest. */
export const KEY_CACHE_MS = 10_000;
const KEY_CACHE_MAX = 20_000;

/**
 * What every service uses to seal and open personal data. A sealed value is opened with its
 * report's key; a value that is not sealed (events from before encryption) is returned as it is; a
 * value whose key was destroyed opens as "[dihapus]". Keys, and the values opened with them, are cached briefly (erased ones for
 * good); the process that erases drops them at once.
 */
export class PersonalDataVault {
  private readonly master: MasterKeys;
  /** Per report: its key (null once erased), until when it may be used, and the values opened with it meanwhile. */
  private readonly cache = new Map<string, CachedKey>();
  private readonly loading = new Map<string, Promise<CachedKey>>();

  constructor(
    readonly store: MongoKeyStore,
    masterSecret: string,
    private readonly cacheMs = KEY_CACHE_MS,
  ) {
    this.master = deriveMasterKeys(masterSecret);
  }

  /** The report's key, made on first use; a repeated submission gets the key stored first. Null when erased. */
  async sealerFor(reportId: string, phone: string | null, now: Date): Promise<ReportSealer | null> {
    const dataKey = newDataKey();
    const stored = await this.store.insertOrGet({
      _id: reportId,
      wrapped: wrapDataKey(this.master, reportId, dataKey),
      masterKeyId: this.master.id,
      phoneRef: phone ? phoneLookupRef(this.master, phone) : null,
      createdAt: now,
    });
    const key = stored.wrapped ? unwrapDataKey(this.master, reportId, stored.wrapped) : null;
    this.remember(reportId, key);
    if (!key) return null;
    return { keyId: reportId, seal: ((text: string | null) => (text === null ? null : seal(key, reportId, text))) as ReportSealer['seal'] };
  }

  /** The plain value for a reader allowed to see it. */
  async open(value: string): Promise<string>;
  async open(value: string | null): Promise<string | null>;
  async open(value: string | null): Promise<string | null> {
    if (value === null || !isSealed(value)) return value;
    const entry = await this.keyOf(sealedKeyId(value)!);
    if (!entry.key) return ERASED;
    // A list shows the same sealed summaries request after request: each is deciphered once while its
    // key is cached, and forgotten with it (expiry or erasure), so nothing outlives the key in memory.
    let plain = entry.opened.get(value);
    if (plain === undefined) {
      try {
        plain = unseal(entry.key, value);
      } catch {
        // Not this key's value (tampered or misfiled): shown as unreadable, never as plaintext.
        plain = ERASED;
      }
      entry.opened.set(value, plain);
    }
    return plain;
  }

  /** Opens every sealed string in a plain JSON value (a DTO, a timeline entry), leaving the rest. */
  async openDeep<T>(value: T): Promise<T> {
    if (typeof value === 'string') return (await this.open(value)) as T;
    if (Array.isArray(value)) return (await Promise.all(value.map((v) => this.openDeep(v)))) as T;
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await this.openDeep(v)] as const));
      return Object.fromEntries(entries) as T;
    }
    return value;
  }

  /** Whether the report's key has been destroyed. */
  async erased(reportId: string): Promise<boolean> {
    return (await this.keyOf(reportId)).key === null && (await this.store.get(reportId)) !== null;
  }

  /** Reports whose reporter gave this phone number (as far as their keys were made with it). */
  reportsOfPhone(phone: string): Promise<string[]> {
    return this.store.keyIdsOfPhone(phoneLookupRef(this.master, phone));
  }

  /** Destroys the reports' keys; their sealed values open as "[dihapus]" everywhere from now on. */
  async erase(reportIds: string[], erasureId: string, now: Date): Promise<void> {
    await this.store.destroy(reportIds, erasureId, now);
    for (const id of reportIds) this.remember(id, null);
  }

  /** Another process erased these reports (ReporterDataErased seen on the topic): forget their keys now, not at the cache's expiry. */
  markErased(reportIds: string[]): void {
    for (const id of reportIds) this.remember(id, null);
  }

  private keyOf(keyId: string): Promise<CachedKey> {
    const cached = this.cache.get(keyId);
    if (cached && (cached.key === null || cached.until > Date.now())) return Promise.resolve(cached);
    // One look-up per key however many fields of the report are opened at once.
    let pending = this.loading.get(keyId);
    if (!pending) {
      pending = this.store
        .get(keyId)
        .then((doc) => this.remember(keyId, doc?.wrapped ? unwrapDataKey(this.master, keyId, doc.wrapped) : null))
        .finally(() => this.loading.delete(keyId));
      this.loading.set(keyId, pending);
    }
    return pending;
  }

  private remember(keyId: string, key: Buffer | null): CachedKey {
    this.cache.delete(keyId);
    if (this.cache.size >= KEY_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    const entry = { key, until: Date.now() + this.cacheMs, opened: new Map<string, string>() };
    this.cache.set(keyId, entry);
    return entry;
  }
}

type CachedKey = { key: Buffer | null; until: number; opened: Map<string, string> };
