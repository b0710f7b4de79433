import { DISPLAY_TIME_ZONE, Labels } from '@reference';
import type { Language } from './i18n';

/** Server time minus this browser's clock, measured from answers' Date headers (timers count from server time). */
let clockOffsetMs = 0;
export const setClockOffset = (ms: number) => (clockOffsetMs = ms);
export const serverNow = () => Date.now() + clockOffsetMs;

const timeFormat = new Intl.DateTimeFormat('id-ID', { timeZone: DISPLAY_TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const dateTimeFormat = new Intl.DateTimeFormat('id-ID', {
  timeZone: DISPLAY_TIME_ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** 02:14:05 WIB */
export const clock = (iso: string | number | Date) => `${timeFormat.format(new Date(iso)).replace(/\./g, ':')} WIB`;
/** 14 Jan 2026 02.14 WIB */
export const dateTime = (iso: string | number | Date) => `${dateTimeFormat.format(new Date(iso)).replace(/\./g, ':')} WIB`;

/** mm:ss under an hour, `1j 05m` above. */
export function elapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 3600) return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return `${Math.floor(s / 3600)}j ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export const secondsSince = (iso: string) => (serverNow() - Date.parse(iso)) / 1000;

export const label = <T extends string>(labels: Labels<T>, value: T | null | undefined, language: Language): string =>
  value ? (labels[value]?.[language] ?? value) : '—';

/** +6281234567890 → 0812-3456-7890 */
export function phone(e164: string | null | undefined): string {
  if (!e164) return '—';
  const local = e164.startsWith('+62') ? `0${e164.slice(3)}` : e164;
  return local.replace(/^(\d{4})(\d{4})(\d+)$/, '$1-$2-$3');
}

export const number = (n: number, digits = 0) => new Intl.NumberFormat('id-ID', { maximumFractionDigits: digits }).format(n);
