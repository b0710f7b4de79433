import { MongoBulkWriteError, MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError, MongoWriteConcernError } from 'mongodb';
import { KafkaJSConnectionError, KafkaJSError, KafkaJSRequestTimeoutError } from 'kafkajs';
import { isTransientFailure } from './transient';

describe('isTransientFailure', () => {
  it.each([
    ['a lost connection to the database', new MongoNetworkError('connection reset')],
    ['a socket timeout of the database', new MongoNetworkTimeoutError('timed out')],
    [
      'no database server to select',
      new MongoServerSelectionError('Server selection timed out after 30000 ms', { type: 'Unknown', servers: new Map() } as any),
    ],
    ['a primary stepping down', new MongoServerError({ code: 10107, errmsg: 'not primary' })],
    ['a write concern timeout', new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } } as any)],
    ['a retryable write labelled so', new MongoServerError({ code: 1, errmsg: 'x', errorLabels: ['RetryableWriteError'] })],
    ['Kafka unreachable', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')],
    ['a Kafka request timeout', new KafkaJSRequestTimeoutError('Request Produce timed out')],
    ['a retriable Kafka error', new KafkaJSError('leader not available', { retriable: true })],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { code: 'ECONNREFUSED' })],
    ['a deadline of ours', Object.assign(new Error('Timeout has occurred'), { name: 'TimeoutError' })],
    ['an outage wrapped as the cause', new Error('append failed', { cause: new MongoNetworkError('reset') })],
    [
      'a connection closed under insertMany (wrapped without a cause)',
      new MongoBulkWriteError(new MongoNetworkError('connection 15 to 127.0.0.1:27017 closed') as any, {} as any),
    ],
    [
      'no server to select under insertMany',
      new MongoBulkWriteError(new MongoServerSelectionError('Server selection timed out', { type: 'Unknown', servers: new Map() } as any) as any, {} as any),
    ],
  ])('is true for %s', (_, error) => {
    expect(isTransientFailure(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a duplicate key', new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' })],
    [
      'a duplicate key under insertMany',
      new MongoBulkWriteError({ message: 'E11000 duplicate key', code: 11000, writeErrors: [{ code: 11000 }] } as any, {} as any),
    ],
    ['a document too large', new MongoServerError({ code: 10334, errmsg: 'BSONObj size is invalid' })],
    ['a non-retriable Kafka error', new KafkaJSError('topic authorization failed', { retriable: false })],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('is false for %s', (_, error) => {
    expect(isTransientFailure(error)).toBe(false);
  });
});
