/** `90s`, `30m`, `1h`, `1h30m`, `2d`, or a bare number of seconds, in milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = '';
  for (const match of trimmed.matchAll(part)) {
    total += Number(match[1]) * units[match[2]];
    consumed += match[0];
  }
  if (!consumed || consumed !== trimmed) throw new Error(`"${text}" is not a duration (e.g. 90s, 30m, 1h, 1h30m, 2d)`);
  return total;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', sec || (!h && !m) ? `${sec}s` : ''].join('');
}
