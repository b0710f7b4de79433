import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Calling systems' API keys. Configured as `INTAKE_API_KEYS=source=key,source=sha256:<hex>,…`:
 * only hashes are kept in memory, a hash may be configured instead of the key so the plain key need
 * never be in configuration, and a source may have several keys at once so keys can be rotated.
 */
export class ApiKeys {
  private constructor(private readonly bySource: Map<string, Buffer[]>) {}

  static parse(config: string): ApiKeys {
    const bySource = new Map<string, Buffer[]>();
    for (const pair of config
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const eq = pair.indexOf('=');
      const source = pair.slice(0, eq).trim();
      const key = pair.slice(eq + 1).trim();
      if (eq <= 0 || !key) throw new Error(`INTAKE_API_KEYS: "${source || pair}" needs the form source_system=key`);
      if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(source)) throw new Error(`INTAKE_API_KEYS: bad source system "${source}"`);
      let hash: Buffer;
      if (key.startsWith('sha256:')) {
        if (!/^[0-9a-f]{64}$/.test(key.slice(7))) throw new Error(`INTAKE_API_KEYS: ${source}: sha256: needs 64 hex digits`);
        hash = Buffer.from(key.slice(7), 'hex');
      } else {
        if (key.length < 16) throw new Error(`INTAKE_API_KEYS: ${source}: a key needs at least 16 characters`);
        hash = sha256(key);
      }
      bySource.set(source, [...(bySource.get(source) ?? []), hash]);
    }
    if (bySource.size === 0) throw new Error('INTAKE_API_KEYS: no calling system configured');
    // One key for two systems would make every call of either look like the first one's.
    const ownerOf = new Map<string, string>();
    for (const [source, hashes] of bySource) {
      for (const hash of hashes) {
        const owner = ownerOf.get(hash.toString('hex'));
        if (owner && owner !== source) {
          throw new Error(`INTAKE_API_KEYS: ${owner} and ${source} are configured with the same key; give each calling system its own`);
        }
        ownerOf.set(hash.toString('hex'), source);
      }
    }
    return new ApiKeys(bySource);
  }

  /** The source system the key belongs to, or null for a missing or unknown key. */
  identify(key: string | undefined): string | null {
    if (!key) return null;
    const hash = sha256(key);
    for (const [source, hashes] of this.bySource) {
      if (hashes.some((h) => timingSafeEqual(h, hash))) return source;
    }
    return null;
  }

  get sources(): string[] {
    return [...this.bySource.keys()];
  }
}

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
