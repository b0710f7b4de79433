import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { LiveEvent } from '../../src/live/live-event';
import { signIn } from './api/client';

/** What the console pushes: a stream moved to a version (type only: nothing of the server enters the bundle). */
export type { LiveEvent };

export type LiveStatus = 'live' | 'reconnecting' | 'down';

interface LiveState {
  status: LiveStatus;
  /** When the server was last heard from (an event or a heartbeat), browser clock. */
  lastHeard: number | null;
}

type Listener = (events: LiveEvent[]) => void;

/**
 * One EventSource per tab to /api/live. EventSource reconnects by itself; after 30 s without a word
 * the state turns "down" and screens say their data may be stale.
 */
class LiveConnection {
  private source?: EventSource;
  private state: LiveState = { status: 'reconnecting', lastHeard: null };
  private readonly watchers = new Set<() => void>();
  private readonly listeners = new Set<Listener>();
  private readonly resumeListeners = new Set<() => void>();
  private silenceTimer?: number;
  private connectedBefore = false;

  connect() {
    this.source?.close();
    const source = new EventSource('/api/live');
    this.source = source;
    const heard = () => {
      this.set({ status: 'live', lastHeard: Date.now() });
      window.clearTimeout(this.silenceTimer);
      this.silenceTimer = window.setTimeout(() => this.set({ ...this.state, status: 'down' }), 30_000);
    };
    source.addEventListener('hello', () => {
      heard();
      // A new stream after an earlier one: what changed in between was never pushed.
      if (this.connectedBefore) for (const listener of this.resumeListeners) listener();
      this.connectedBefore = true;
    });
    source.addEventListener('heartbeat', heard);
    source.addEventListener('changes', (message) => {
      heard();
      const events = JSON.parse((message as MessageEvent<string>).data) as LiveEvent[];
      for (const listener of this.listeners) listener(events);
    });
    source.onerror = async () => {
      this.set({ ...this.state, status: source.readyState === EventSource.CLOSED ? 'down' : 'reconnecting' });
      if (source.readyState === EventSource.CLOSED) {
        // A refused stream is most often an ended session: ask, and sign in again if so.
        const check = await fetch('/api/session', { credentials: 'same-origin' }).catch(() => null);
        if (check?.status === 401) signIn();
        else window.setTimeout(() => this.source === source && this.connect(), 5_000);
      }
    };
  }

  private set(state: LiveState) {
    this.state = state;
    for (const watcher of this.watchers) watcher();
  }

  watch = (watcher: () => void) => {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  };

  snapshot = () => this.state;

  /** Calls `listener` each time the stream is back after a break (a reconnect, a new connection). */
  onResume(listener: () => void) {
    this.resumeListeners.add(listener);
    return () => void this.resumeListeners.delete(listener);
  }

  listen(listener: Listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close() {
    this.source?.close();
    this.source = undefined;
  }
}

export const live = new LiveConnection();

export function useLiveState(): LiveState {
  return useSyncExternalStore(live.watch, live.snapshot);
}

/**
 * Calls `onChanges` with the events that match, coalesced: a burst of changes is one call per
 * `windowMs`, so one change is one repaint, not a repaint per event.
 */
export function useLiveEvents(match: (e: LiveEvent) => boolean, onChanges: (events: LiveEvent[]) => void, windowMs = 150) {
  const latest = useRef({ match, onChanges });
  latest.current = { match, onChanges };
  useEffect(() => {
    let pending: LiveEvent[] = [];
    let timer: number | undefined;
    const stop = live.listen((events) => {
      const matching = events.filter((e) => latest.current.match(e));
      if (!matching.length) return;
      pending.push(...matching);
      timer ??= window.setTimeout(() => {
        const batch = pending;
        pending = [];
        timer = undefined;
        latest.current.onChanges(batch);
      }, windowMs);
    });
    return () => {
      stop();
      window.clearTimeout(timer);
    };
  }, [windowMs]);
}
