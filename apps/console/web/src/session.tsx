import { createContext, ReactNode, useContext } from 'react';
import type { Category, Role } from '@reference';
import { setCsrfToken } from './api/client';
import { setClockOffset } from './format';

export interface SessionUser {
  id: string;
  name: string | null;
  roles: Role[];
}

export interface District {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
}

export interface Reference {
  jurisdiction: { name: string; districts: District[] };
  priorityTargets: Record<'P1' | 'P2' | 'P3' | 'P4', { triageSeconds: number | null; dispatchSeconds: number | null; arriveSeconds: number | null }>;
  categories: { code: Category; id: string; en: string }[];
  mapTileUrl: string | null;
  defaultLanguage: 'id' | 'en';
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
  expiresAt: string;
  reference: Reference;
}

/** Loads who is signed in (401: not signed in) and the reference data the screens need. */
export async function loadSession(): Promise<Session | null> {
  const answer = await fetch('/api/session', { credentials: 'same-origin' });
  if (answer.status === 401) return null;
  if (!answer.ok) throw new Error(`session: ${answer.status}`);
  const serverDate = answer.headers.get('date');
  if (serverDate) setClockOffset(Date.parse(serverDate) + 500 - Date.now());
  const session = (await answer.json()) as Omit<Session, 'reference'>;
  setCsrfToken(session.csrfToken);
  const reference = (await (await fetch('/api/reference', { credentials: 'same-origin' })).json()) as Reference;
  return { ...session, reference };
}

const SessionContext = createContext<Session | null>(null);

export const SessionProvider = ({ session, children }: { session: Session; children: ReactNode }) => (
  <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export const hasRole = (user: SessionUser, ...roles: Role[]) => user.roles.some((r) => roles.includes(r));

/** The screen each role starts on. */
export function homeOf(user: SessionUser): string {
  if (hasRole(user, 'operator')) return '/queue';
  if (hasRole(user, 'supervisor')) return '/supervisor';
  if (hasRole(user, 'dispatcher')) return '/dispatch';
  if (hasRole(user, 'unit')) return '/unit';
  if (hasRole(user, 'commander')) return '/commander';
  if (hasRole(user, 'analyst')) return '/dashboard/volume';
  if (hasRole(user, 'admin')) return '/admin';
  return '/no-screen';
}
