import { readFileSync } from 'node:fs';
import { GeoPoint, haversineMeters } from './geo';
import { resolve } from 'node:path';

/** A district (kecamatan) of the command's jurisdiction, with the centroid used for distances. */
export interface District {
  code: string;
  name: string;
  latitude: number;
  longitude: number;
}

export interface Jurisdiction {
  name: string;
  districts: District[];
}

/** The jurisdiction is configuration (JURISDICTION_FILE), never hard-coded. */
export function loadJurisdiction(file: string): Jurisdiction {
  const path = resolve(process.cwd(), file);
  let parsed: Jurisdiction;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`JURISDICTION_FILE ${path}: ${(e as Error).message}`, { cause: e });
  }
  const problems: string[] = [];
  if (typeof parsed?.name !== 'string') problems.push('name must be a string');
  if (!Array.isArray(parsed?.districts) || parsed.districts.length === 0) problems.push('districts must be a non-empty list');
  const codes = new Set<string>();
  for (const [i, d] of (parsed?.districts ?? []).entries()) {
    if (typeof d.code !== 'string' || !/^[A-Z0-9_]{2,40}$/.test(d.code)) problems.push(`districts[${i}].code must be UPPER_SNAKE`);
    if (codes.has(d.code)) problems.push(`districts[${i}].code ${d.code} is repeated`);
    codes.add(d.code);
    if (typeof d.name !== 'string') problems.push(`districts[${i}].name must be a string`);
    if (!(Math.abs(d.latitude) <= 90) || !(Math.abs(d.longitude) <= 180)) problems.push(`districts[${i}] needs latitude/longitude`);
  }
  if (problems.length) throw new Error(`JURISDICTION_FILE ${path}: ${problems.join('; ')}`);
  return parsed;
}

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/^kec(amatan)?\.?\s+/, '')
    .replace(/[^a-z0-9]/g, '');

/** The district a reporter named, by code or name, leniently ("Kec. Tebet", "tebet", "TEBET"). */
export function districtNamed(jurisdiction: Jurisdiction, text: string | null | undefined): District | null {
  if (!text?.trim()) return null;
  const wanted = normalise(text);
  return jurisdiction.districts.find((d) => normalise(d.code) === wanted || normalise(d.name) === wanted) ?? null;
}

/** The district whose centroid is nearest to a point: a suggestion when the reporter named none. */
export function nearestDistrict(jurisdiction: Jurisdiction, point: GeoPoint): District {
  let best = jurisdiction.districts[0];
  let bestDistance = Infinity;
  for (const d of jurisdiction.districts) {
    const distance = haversineMeters(point, d);
    if (distance < bestDistance) [best, bestDistance] = [d, distance];
  }
  return best;
}
