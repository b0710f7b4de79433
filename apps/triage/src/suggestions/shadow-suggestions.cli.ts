import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { CATEGORIES, PRIORITIES } from '@callcenter/contracts';
import { DuplicateScore, shadowDuplicates, shadowSuggestions, SuggesterScore } from './shadow-suggestions';
import { loadSuggestionModel } from './suggestion-model.file';
import { logPeriod, readTriageLog } from './triage-log.reader';

const USAGE = `usage: npm run suggestions:shadow -- --model <file> --from <ISO time> --to <ISO time> [--json]

Replays a candidate suggestion model over the cases opened in [from, to) on the triage topic and
compares it, and the suggestions triage made live, with the operators' final classifications. It
only reads the log: no event is written and no live state changes.`;

function refuse(message: string): never {
  process.stderr.write(`suggestions:shadow: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function matrix<L extends string>(labels: readonly L[], confusion: Record<L, Record<L, number>>): string {
  const short = (l: string) => l.slice(0, 6).padStart(7);
  const rows = labels.filter((a) => labels.some((s) => confusion[a][s] > 0));
  return [
    `${'decided \\ suggested'.padEnd(22)}${labels.map(short).join('')}`,
    ...rows.map((a) => `${a.padEnd(22)}${labels.map((s) => String(confusion[a][s]).padStart(7)).join('')}`),
  ].join('\n');
}

function describe(title: string, s: SuggesterScore): string {
  return [
    `${title}: category agreement ${s.category.agreement.toFixed(3)}, priority agreement ${s.priority.agreement.toFixed(3)}`,
    matrix(CATEGORIES, s.category.confusion),
    matrix(PRIORITIES, s.priority.confusion),
  ].join('\n');
}

async function main() {
  const { values } = parseArgs({ options: { model: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.model) refuse('--model is required');
  const period = logPeriod(values.from, values.to);
  if (typeof period === 'string') refuse(period);
  const candidate = loadSuggestionModel(values.model);
  const log = await readTriageLog(period);
  const report = shadowSuggestions(log.decidedCases(), candidate);
  // The live service's duplicate rules (the same settings as triage's, with its defaults).
  const setting = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
  const duplicates = shadowDuplicates(log.casesInPeriod(), candidate, {
    radiusMeters: setting('TRIAGE_DUPLICATE_RADIUS_METERS', 500),
    windowMinutes: setting('TRIAGE_DUPLICATE_WINDOW_MINUTES', 30),
    sameCallerMinutes: setting('TRIAGE_SAME_CALLER_MINUTES', 10),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...report, duplicates }, null, 2)}\n`);
    return;
  }
  const dup = (s: DuplicateScore) => `found ${s.found}, missed ${s.missed} (${s.offered} candidates offered)`;
  process.stdout.write(
    [
      `${report.cases} cases decided by operators, opened ${period.from} – ${period.to}`,
      describe(`candidate ${report.candidate.model}`, report.candidate),
      describe(`live (${report.live.models.join(', ')})`, report.live),
      `self-check: ${report.selfCheck.reproduced} of ${report.selfCheck.cases} live suggestions by ${candidate.version} reproduced exactly` +
        (report.selfCheck.differing.length ? ` (differing: ${report.selfCheck.differing.slice(0, 10).join(', ')})` : ''),
      `${report.changed.length} cases with another category than live${report.changed.length > 20 ? ', the first 20:' : ''}`,
      ...report.changed.slice(0, 20).map((c) => `changed ${c.reportId}: decided ${c.decided}, live ${c.live}, candidate ${c.candidate}`),
      `duplicates marked by operators: ${duplicates.marked}; candidate ${dup(duplicates.candidate)}; live ${dup(duplicates.live)}`,
      '',
    ].join('\n'),
  );
}

main().catch((e) => {
  process.stderr.write(`suggestions:shadow: ${(e as Error).message}\n`);
  process.exit(1);
});
