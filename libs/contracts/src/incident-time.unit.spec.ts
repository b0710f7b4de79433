import { incidentTime } from './incident-time';

describe('incidentTime: when a report happened', () => {
  const received = '2024-05-08T10:00:00.000Z';
  it.each<[string, string | null | undefined, string]>([
    ['no stated time: the receipt', undefined, received],
    ['a null stated time: the receipt', null, received],
    ['an hour before receipt: the stated time', '2024-05-08T09:00:00.000Z', '2024-05-08T09:00:00.000Z'],
    ['a week before receipt: the stated time', '2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z'],
    ['4 min after receipt (clock skew): the stated time', '2024-05-08T10:04:00.000Z', '2024-05-08T10:04:00.000Z'],
    ['6 min after receipt (the future): the receipt', '2024-05-08T10:06:00.000Z', received],
    ['exactly 30 days before receipt: the stated time', '2024-04-08T10:00:00.000Z', '2024-04-08T10:00:00.000Z'],
    ['31 days before receipt (implausible): the receipt', '2024-04-07T10:00:00.000Z', received],
    ['an unreadable stated time: the receipt', 'last Tuesday', received],
  ])('%s', (_name, occurredAt, expected) => {
    expect(new Date(incidentTime({ receivedAt: received, occurredAt })).toISOString()).toBe(expected);
    // The same from epoch ms (analytics' facts hold their times so).
    const ms = (iso: string | null | undefined) => (typeof iso === 'string' ? Date.parse(iso) : iso);
    const fromMs = incidentTime({ receivedAt: Date.parse(received), occurredAt: ms(occurredAt) });
    expect(new Date(fromMs).toISOString()).toBe(expected);
  });

  it('is NaN when the receipt cannot be read, whatever was stated', () => {
    expect(incidentTime({ receivedAt: 'soon', occurredAt: received })).toBeNaN();
  });
});
