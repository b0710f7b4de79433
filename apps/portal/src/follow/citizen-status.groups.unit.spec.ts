import { evolveReportStatus } from '../../../intake/src/status/report-status.projection';
import { messageIn } from './citizen-status';

// The portal shows in English what intake tells a reporter whose report was merged into an incident group and split out again.
describe('portal tracking of a merged and split report', () => {
  const event = (type: string, at: string) =>
    ({ eventId: type, type, schemaVersion: 1, streamId: 'r2', streamVersion: 1, occurredAt: at, recordedAt: at, producer: 'triage', actor: 'spv-rina', correlationId: 'c', causationId: null, data: { reportId: 'r2' } }) as never;

  it.each([
    ['ReportMarkedDuplicate', /joined to it/],
    ['ReportSplitFromGroup', /separated from the one it was joined to/],
  ])('%s has an English message', (type, english) => {
    const view = evolveReportStatus(null, event(type, '2026-11-28T02:00:00.000Z'))!;
    expect(messageIn(view.timeline[0].message, 'en')).toMatch(english);
  });
});
