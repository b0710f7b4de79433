// Password hashing for the realm file: scrypt from node:crypto, stored as
//   scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
// `node infra/oidc-provider/password.mjs <password>` prints a hash to paste into config/oidc-realm.json.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';

const scrypt = promisify(scryptCb);
const DEFAULTS = { N: 16384, r: 8, p: 1, keylen: 32 };

export async function hashPassword(password, { N, r, p, keylen } = DEFAULTS) {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFKC'), salt, keylen, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Constant-time check; a malformed stored hash never matches. */
export async function verifyPassword(password, stored) {
  const parts = typeof stored === 'string' ? stored.split('$') : [];
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, N, r, p, saltB64, hashB64] = parts;
  const expected = Buffer.from(hashB64, 'base64url');
  const actual = await scrypt(String(password).normalize('NFKC'), Buffer.from(saltB64, 'base64url'), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return expected.length > 0 && timingSafeEqual(actual, expected);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const password = process.argv[2];
  if (!password) {
    console.error('usage: node infra/oidc-provider/password.mjs <password>');
    process.exit(2);
  }
  console.log(await hashPassword(password));
}
