import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Crypto-shredding, the pure core (no I/O). A report's personal fields are sealed with the report's
 * own data key (AES-256-GCM); the data key is kept wrapped by the master key; erasing a reporter
 * destroys the wrapped key, so every copy of the ciphertext (the topics, read models, backups)
 * becomes unreadable while the event log stays immutable.
 *
 * A sealed value is a string, so it travels in the string fields of events unchanged and can be
 * copied from event to event (triage and dispatch pass the description on without opening it):
 * `pd1:<keyId>:<iv>:<ciphertext>:<tag>` (base64url). The key id (the report id) is also the
 * additional authenticated data, so a value cannot be passed off as another report's.
 */
export const SEALED_PREFIX = 'pd1:';

/** What a reader is shown where the reporter's data has been erased. */
export const ERASED = '[dihapus]';

const SEALED = /^pd1:([A-Za-z0-9_-]{1,64}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;

export function isSealed(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX) && SEALED.test(value);
}

/** The key a sealed value needs, or null for a value that is not sealed (plaintext of older events). */
export function sealedKeyId(value: string): string | null {
  return SEALED.exec(value)?.[1] ?? null;
}

/** A fresh random data key (32 bytes). */
export function newDataKey(): Buffer {
  return randomBytes(32);
}

function aad(keyId: string): Buffer {
  return Buffer.from(`${SEALED_PREFIX}${keyId}`, 'utf8');
}

export function seal(dataKey: Buffer, keyId: string, plaintext: string, iv: Buffer = randomBytes(12)): string {
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(aad(keyId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${SEALED_PREFIX}${keyId}:${iv.toString('base64url')}:${ciphertext.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}`;
}

/** Throws when the key is not the value's or the value was altered (GCM authentication). */
export function unseal(dataKey: Buffer, sealed: string): string {
  const parts = SEALED.exec(sealed);
  if (!parts) throw new Error('not a sealed value');
  const [, keyId, iv, ciphertext, tag] = parts;
  const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
  decipher.setAAD(aad(keyId));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

export interface MasterKeys {
  /** Wraps and unwraps data keys. */
  wrap: Buffer;
  /** Keys the phone look-up reference, so erasure by phone number finds reports without storing the number. */
  phone: Buffer;
  /** Names the master key a data key was wrapped with (a rotation would keep the old one to unwrap). */
  id: string;
}

/** Both keys are derived (HKDF-SHA256) from the configured secret, so one setting serves both. */
export function deriveMasterKeys(secret: string): MasterKeys {
  const ikm = Buffer.from(secret, 'utf8');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', ikm, 'polres-callcenter', info, 32));
  const wrap = derive('personal-data:wrap');
  return { wrap, phone: derive('personal-data:phone'), id: createHmac('sha256', wrap).update('id').digest('hex').slice(0, 12) };
}

export function wrapDataKey(master: MasterKeys, keyId: string, dataKey: Buffer): string {
  return seal(master.wrap, keyId, dataKey.toString('base64url'));
}

export function unwrapDataKey(master: MasterKeys, keyId: string, wrapped: string): Buffer {
  if (sealedKeyId(wrapped) !== keyId) throw new Error(`wrapped key does not belong to ${keyId}`);
  return Buffer.from(unseal(master.wrap, wrapped), 'base64url');
}

/** The phone number in digits (and a leading +), as both intake and the erasure command write it. */
export function normalisedPhone(phone: string): string {
  return phone.replace(/[^\d+]/g, '');
}

export function phoneLookupRef(master: MasterKeys, phone: string): string {
  return createHmac('sha256', master.phone).update(normalisedPhone(phone)).digest('base64url');
}
