import jurisdiction from '../../../config/jurisdiction.json';
import { Ledger } from './ledger';
import { optionsFromArgs, parseArgs } from './simulate';
import { generateTraffic } from './traffic/generate';

describe('simulate CLI and ledger', () => {
  it('reads the options of the check run', () => {
    const args = parseArgs([
      '--period',
      '1h',
      '--speed',
      '120',
      '--reports-per-hour=600',
      '--bots',
      '--ledger',
      '/tmp/l.jsonl',
      '--triage-url',
      'http://127.0.0.1:13201',
    ]);
    expect(optionsFromArgs(args)).toMatchObject({
      period: '1h',
      speed: 120,
      reportsPerHour: 600,
      bots: true,
      ledgerFile: '/tmp/l.jsonl',
      triageUrl: 'http://127.0.0.1:13201',
      verify: false,
    });
  });

  it('refuses unknown options and bad values', () => {
    expect(() => optionsFromArgs(parseArgs(['--sped', '2']))).toThrow(/unknown option --sped/);
    expect(() => optionsFromArgs(parseArgs(['--speed', '0']))).toThrow(/speed/);
    expect(() => optionsFromArgs(parseArgs(['--operators', 'many']))).toThrow(/operators/);
    expect(() => optionsFromArgs(parseArgs(['--prank-share', '4']))).toThrow(/between 0 and 1/);
    expect(() => parseArgs(['--period'])).toThrow(/needs a value/);
  });

  it('keeps what was sent, what intake answered and how far each report got, and sums it up', () => {
    const start = Date.parse('2026-11-28T19:00:00+07:00');
    const reports = generateTraffic({ startMs: start, endMs: start + 3_600_000, reportsPerHour: 100, seed: 3, runId: 'l1', districts: jurisdiction.districts });
    const ledger = new Ledger(true);
    for (const r of reports) ledger.add(r);
    const [a, b, c] = ledger.entries;
    a.submission.attempts = 1;
    ledger.acknowledged(a, {
      reportId: '6f1c3f0e-0000-5000-8000-000000000001',
      trackingCode: 'AAAAA-AAAAA',
      receivedAt: '2026-11-28T12:00:01.000Z',
      duplicate: false,
    });
    b.submission.attempts = 2;
    b.submission.retries.push({ code: 'UNAVAILABLE', message: 'down' });
    ledger.acknowledged(b, {
      reportId: '6f1c3f0e-0000-5000-8000-000000000002',
      trackingCode: 'BBBBB-BBBBB',
      receivedAt: '2026-11-28T12:00:02.000Z',
      duplicate: true,
    });
    c.submission.attempts = 1;
    ledger.refused(c, 'INVALID_ARGUMENT', 'description: …');
    ledger.advance(a, 'IN_TRIAGE');
    ledger.advance(a, 'FORWARDED');
    ledger.advance(a, 'IN_TRIAGE'); // never back
    expect(a.state).toBe('FORWARDED');
    expect(ledger.report('6f1c3f0e-0000-5000-8000-000000000002')).toBe(b);
    const s = ledger.summary();
    expect(s).toMatchObject({
      sent: 3,
      acknowledged: 2,
      uniqueReports: 2,
      notSent: reports.length - 3,
      refused: { INVALID_ARGUMENT: 1 },
      duplicateAnswers: 1,
      retriedReports: 1,
      retries: 1,
      receivedFrom: '2026-11-28T12:00:01.000Z',
      receivedTo: '2026-11-28T12:00:02.000Z',
    });
    expect(a.expectedFinal).toBe(a.expected === 'FORWARDED' ? 'CLOSED' : a.expected);
  });
});
