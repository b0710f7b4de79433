import { REPORTER_REJECTION_MESSAGES, REPORTER_SPLIT_MESSAGE, REPORTER_STATE_MESSAGES, reporterAdviceMessage } from '@callcenter/contracts';
import { messageIn } from './citizen-status';

// The portal shows in English every message intake writes for reporters, merged and split ones included.
describe('portal tracking in English', () => {
  it.each([...Object.values(REPORTER_STATE_MESSAGES), REPORTER_SPLIT_MESSAGE, ...Object.values(REPORTER_REJECTION_MESSAGES)])('$id', ({ id, en }) => {
    expect(messageIn(id, 'en')).toBe(en);
    expect(messageIn(id, 'id')).toBe(id);
  });

  it('a merged report reads that it was joined, a split one that it was separated', () => {
    expect(messageIn(REPORTER_STATE_MESSAGES.DUPLICATE.id, 'en')).toMatch(/joined to it/);
    expect(messageIn(REPORTER_SPLIT_MESSAGE.id, 'en')).toMatch(/separated from the one it was joined to/);
  });

  it("keeps the officer's advice as written", () => {
    expect(messageIn(reporterAdviceMessage('Kunci pintu.'), 'en')).toBe('An officer has given advice; no unit needs to be sent. Advice: Kunci pintu.');
  });

  it('shows a message it does not know as intake wrote it', () => {
    expect(messageIn('Pesan baru.', 'en')).toBe('Pesan baru.');
  });
});
