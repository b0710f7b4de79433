import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig, mintDevelopmentToken } from '@callcenter/platform';
import { TriageConfig } from '../triage.config';

const USAGE = 'usage: npm run erase -- (--report <report id> | --phone <+62…>) --reason "<why, e.g. the request it answers>"';

/**
 * `npm run erase -- --report <id> | --phone <n> --reason "…"` — asks the running triage service to
 * erase reporters' personal data (POST /api/v1/admin/erasures, role admin) and prints what was
 * erased. The token is TRIAGE_ADMIN_TOKEN (an admin's access token), or in development one minted
 * with the local secret; the actor recorded in ReporterDataErased is the token's subject.
 */
async function main() {
  const { values } = parseArgs({ options: { report: { type: 'string' }, phone: { type: 'string' }, reason: { type: 'string' } } });
  if (!values.report === !values.phone || !values.reason) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const config = loadConfig(TriageConfig);
  const base = process.env.TRIAGE_URL ?? `http://127.0.0.1:${config.TRIAGE_HTTP_PORT}`;
  const token =
    process.env.TRIAGE_ADMIN_TOKEN ??
    mintDevelopmentToken(config, { sub: process.env.USER ? `cli:${process.env.USER}` : 'cli-erase', roles: ['admin'], ttlSeconds: 300 });
  const started = Date.now();
  const res = await fetch(`${base}/api/v1/admin/erasures`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reportId: values.report, phone: values.phone, reason: values.reason }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) {
    process.stderr.write(`erasure refused (${res.status}): ${JSON.stringify(body)}\n`);
    process.exit(1);
  }
  const ids = body.reportIds as string[];
  process.stdout.write(
    `erasure ${body.erasureId} by ${body.erasedBy} at ${body.erasedAt}: ${ids.length} report(s) now read "[dihapus]" (${Date.now() - started} ms)\n` +
      ids.map((id) => `  ${id}\n`).join(''),
  );
}

main().catch((e) => {
  process.stderr.write(`erase: ${(e as Error).message}\n`);
  process.exit(1);
});
