import './kafka'; // patches kafkajs's request queue for every client in the process

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the internal module the patch replaces a method of
const RequestQueue = require('kafkajs/src/network/requestQueue');

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
/** A broker connection's request queue as kafkajs makes it (no socket: only its scheduling is exercised). */
const queueOf = (maxInFlightRequests: number | null = null) =>
  new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: true, clientId: 'spec', broker: 'spec:9092', logger: quiet });

describe("kafkajs's request queue, patched (kafkajs#1751)", () => {
  it('schedules no check once a connection has nothing waiting and no throttle: it no longer wakes every millisecond', () => {
    const queue = queueOf();
    // What every answer from the broker ends with.
    queue.checkPendingRequests();
    expect(queue.throttleCheckTimeoutId).toBeNull();
  });

  it('checks again in 10 ms while a request waits for a slot, and sends it once one is free', () => {
    jest.useFakeTimers();
    try {
      const queue = queueOf(0);
      const request = { correlationId: 1 };
      queue.sendSocketRequest = jest.fn();
      queue.pending.push(request);
      queue.checkPendingRequests();
      expect(queue.throttleCheckTimeoutId).not.toBeNull();
      jest.advanceTimersByTime(9);
      expect(queue.sendSocketRequest).not.toHaveBeenCalled();
      queue.maxInFlightRequests = 1;
      jest.advanceTimersByTime(1);
      expect(queue.sendSocketRequest).toHaveBeenCalledWith(request);
      // Sent, nothing else waits: no further check.
      expect(queue.throttleCheckTimeoutId).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('checks when a throttle the broker asked for ends', () => {
    jest.useFakeTimers();
    try {
      const queue = queueOf();
      queue.throttledUntil = Date.now() + 500;
      const check = jest.spyOn(queue, 'checkPendingRequests');
      queue.scheduleCheckPendingRequests();
      jest.advanceTimersByTime(499);
      expect(check).not.toHaveBeenCalled();
      jest.advanceTimersByTime(1);
      expect(check).toHaveBeenCalledTimes(1);
      expect(queue.throttleCheckTimeoutId).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});
