import { isTransient } from './consumer';

describe('isTransient: what a consumer waits out instead of dead-lettering', () => {
  it.each([
    [{ name: 'MongoNetworkError' }, true],
    [{ name: 'MongoServerSelectionError' }, true],
    [{ name: 'MongoNotConnectedError' }, true],
    [{ name: 'MongoServerError', errorLabels: ['RetryableWriteError'] }, true],
    [{ name: 'KafkaJSConnectionError', retriable: true }, true],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true],
    [new TypeError("Cannot read properties of undefined (reading 'reportId')"), false],
    [{ name: 'MongoServerError', code: 11000 }, false],
    [{ name: 'UnknownSchemaVersion' }, false],
    [undefined, false],
  ])('%j → %s', (error, expected) => {
    expect(isTransient(error)).toBe(expected);
  });
});
