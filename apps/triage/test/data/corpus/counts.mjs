// Prints the corpus's counts per category, priority, language and style (used for README.md).
// Run: node apps/triage/test/data/corpus/counts.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const rows = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)));

const tally = (key) => rows.reduce((m, r) => m.set(r[key], (m.get(r[key]) ?? 0) + 1), new Map());
console.log(`lines: ${rows.length}`);
for (const key of ['category', 'priority', 'lang', 'style']) {
  console.log(`\n${key}:`);
  for (const [k, n] of [...tally(key)].sort((a, b) => b[1] - a[1])) console.log(`  ${String(k).padEnd(24)} ${n}`);
}
console.log('\ncategory × lang:');
const langs = ['id', 'en', 'mixed'];
console.log(`  ${''.padEnd(24)} ${langs.map((l) => l.padStart(6)).join('')}`);
for (const [c] of [...tally('category')].sort()) {
  console.log(`  ${c.padEnd(24)} ${langs.map((l) => String(rows.filter((r) => r.category === c && r.lang === l).length).padStart(6)).join('')}`);
}

// The fresh held-back part (held-back/*.jsonl), counted apart: it is never trained or tuned on.
const heldBackDir = join(dir, 'held-back');
const heldBack = readdirSync(heldBackDir)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(join(heldBackDir, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l)));
console.log(`\nheld-back part: ${heldBack.length}`);
for (const key of ['category', 'priority', 'lang', 'style']) {
  const counts = heldBack.reduce((m, r) => m.set(r[key], (m.get(r[key]) ?? 0) + 1), new Map());
  console.log(`  ${key}: ${[...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
}
