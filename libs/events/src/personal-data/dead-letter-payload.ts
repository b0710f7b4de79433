import { MongoKeyStore } from './key-store';
import { ERASED, isSealed, sealedKeyId } from './sealed';

/** What the dead-letter tools show for sealed personal data whose key still exists. */
export const MASKED = '[data pribadi]';

function walk(value: unknown, visit: (s: string) => string): unknown {
  if (typeof value === 'string') return visit(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, visit));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, visit)]));
  return value;
}

/**
 * For the dead-letter tools (renderDeadLetter's `revealPayload`): sealed personal data in parked
 * payloads is never opened there (fixing and replaying an event needs no one's name), only told
 * apart: "[dihapus]" where the report's key was destroyed, "[data pribadi]" where it still exists.
 * Needs the key store only, not the master key. The look-ups are made ahead, so rendering stays synchronous.
 */
export async function deadLetterPersonalData(keys: MongoKeyStore, payloads: unknown[]): Promise<(payload: unknown) => unknown> {
  const ids = new Set<string>();
  for (const p of payloads) walk(p, (s) => (isSealed(s) && ids.add(sealedKeyId(s)!), s));
  const erased = new Set<string>();
  for (const id of ids) {
    const doc = await keys.get(id);
    if (!doc?.wrapped) erased.add(id);
  }
  return (payload) => walk(payload, (s) => (isSealed(s) ? (erased.has(sealedKeyId(s)!) ? ERASED : MASKED) : s));
}
