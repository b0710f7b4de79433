import { CATEGORIES, Category, CATEGORY_LABELS, District, E164 } from '@callcenter/contracts';

export type Lang = 'id' | 'en';
export const langOf = (value: unknown): Lang => (value === 'en' ? 'en' : 'id');

/** A message in both languages; the answer carries the one the person reads. */
export type Text = { id: string; en: string };

export interface Violation {
  field: string;
  message: Text;
}

/** What the portal's form sends (JSON). Field names are the form's. */
export interface CitizenReportInput {
  idempotencyKey?: unknown;
  category?: unknown;
  description?: unknown;
  location?: { latitude?: unknown; longitude?: unknown; address?: unknown; district?: unknown } | unknown;
  peopleInjured?: unknown;
  anonymous?: unknown;
  name?: unknown;
  phone?: unknown;
  /** The honeypot: hidden from people (and from screen readers); only bots fill it. */
  website?: unknown;
}

export interface CitizenReport {
  idempotencyKey: string;
  category: Category;
  description: string;
  location: { latitude?: number; longitude?: number; address?: string; district?: District };
  peopleInjured: number;
  anonymous: boolean;
  name?: string;
  phone?: string;
}

/** Categories for which the form repeats "Darurat? Telepon 110". */
export const URGENT_CATEGORIES: readonly Category[] = [
  'KEJAHATAN',
  'KECELAKAAN_LALU_LINTAS',
  'KEBAKARAN',
  'BENCANA',
  'DARURAT_MEDIS',
  'ORANG_HILANG',
  'GANGGUAN_KETERTIBAN',
];

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9-]{16,64}$/;
const BAD_TEXT = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const MAX_INJURED = 1_000;

/** +62…, 62…, 08… with spaces, dots or dashes → E.164 (+62…); anything else is returned as typed. */
export function normalisePhone(raw: string): string {
  const compact = raw.replace(/[\s.()-]/g, '');
  if (/^0\d{6,}$/.test(compact)) return `+62${compact.slice(1)}`;
  if (/^62\d{6,}$/.test(compact)) return `+${compact}`;
  return compact;
}

const wellFormed = (s: string) => (s as any).isWellFormed() && !BAD_TEXT.test(s);

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return '\u0000'; // not text: refused as such below
  return value.trim();
}

/**
 * Pure: checks what a citizen sent and says, per field, what to fix in words a person understands;
 * or returns the report to submit. The district is one of the jurisdiction's.
 */
export function checkCitizenReport(input: CitizenReportInput, districts: readonly District[]): { report: CitizenReport } | { violations: Violation[] } {
  const v: Violation[] = [];
  const body = (input && typeof input === 'object' ? input : {}) as CitizenReportInput;

  const key = typeof body.idempotencyKey === 'string' ? body.idempotencyKey : '';
  if (!IDEMPOTENCY_KEY.test(key)) {
    v.push({
      field: 'idempotencyKey',
      message: {
        id: 'Formulir ini sudah kedaluwarsa. Muat ulang halaman lalu isi kembali.',
        en: 'This form has expired. Reload the page and fill it in again.',
      },
    });
  }

  const category = body.category;
  if (typeof category !== 'string' || !(CATEGORIES as readonly string[]).includes(category)) {
    v.push({ field: 'category', message: { id: 'Pilih jenis kejadian.', en: 'Choose what happened.' } });
  }

  const description = text(body.description);
  if (!description || description.length < 10) {
    v.push({
      field: 'description',
      message: { id: 'Ceritakan apa yang terjadi, paling sedikit 10 huruf.', en: 'Tell us what happened, at least 10 characters.' },
    });
  } else if (description.length > 4000) {
    v.push({ field: 'description', message: { id: 'Cerita terlalu panjang: paling banyak 4000 huruf.', en: 'Too long: at most 4000 characters.' } });
  } else if (!wellFormed(description)) {
    v.push({
      field: 'description',
      message: {
        id: 'Cerita berisi karakter yang tidak dapat dibaca. Ketik ulang tanpa simbol khusus.',
        en: 'The text has characters we cannot read. Type it again without special symbols.',
      },
    });
  }

  const loc = (body.location && typeof body.location === 'object' ? body.location : {}) as {
    latitude?: unknown;
    longitude?: unknown;
    address?: unknown;
    district?: unknown;
  };
  const location: CitizenReport['location'] = {};
  const hasLat = loc.latitude !== undefined && loc.latitude !== null;
  const hasLng = loc.longitude !== undefined && loc.longitude !== null;
  if (hasLat || hasLng) {
    const lat = Number(loc.latitude);
    const lng = Number(loc.longitude);
    if (typeof loc.latitude !== 'number' || typeof loc.longitude !== 'number' || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) {
      v.push({
        field: 'location.latitude',
        message: {
          id: 'Lokasi dari ponsel tidak terbaca. Coba lagi, atau tulis alamat.',
          en: 'The phone location could not be read. Try again, or write the address.',
        },
      });
    } else {
      location.latitude = lat;
      location.longitude = lng;
    }
  }
  const address = text(loc.address);
  if (address) {
    if (address.length > 300)
      v.push({
        field: 'location.address',
        message: { id: 'Alamat terlalu panjang: paling banyak 300 huruf.', en: 'The address is too long: at most 300 characters.' },
      });
    else if (!wellFormed(address))
      v.push({
        field: 'location.address',
        message: { id: 'Alamat berisi karakter yang tidak dapat dibaca.', en: 'The address has characters we cannot read.' },
      });
    else location.address = address;
  }
  const districtCode = text(loc.district);
  if (districtCode) {
    const district = districts.find((d) => d.code === districtCode);
    if (!district) v.push({ field: 'location.district', message: { id: 'Pilih kecamatan dari daftar.', en: 'Choose a district from the list.' } });
    else location.district = district;
  }
  if (!v.some((x) => x.field.startsWith('location.')) && location.latitude === undefined && !location.address && !location.district) {
    v.push({
      field: 'location',
      message: {
        id: 'Di mana kejadiannya? Gunakan lokasi Anda, tulis alamat, atau pilih kecamatan.',
        en: 'Where did it happen? Use your location, write an address, or choose a district.',
      },
    });
  }

  const injuredRaw = body.peopleInjured ?? 0;
  const injured = typeof injuredRaw === 'string' && /^\d+$/.test(injuredRaw.trim()) ? Number(injuredRaw) : injuredRaw;
  if (typeof injured !== 'number' || !Number.isInteger(injured) || injured < 0 || injured > MAX_INJURED) {
    v.push({
      field: 'peopleInjured',
      message: { id: `Jumlah orang terluka harus angka 0 sampai ${MAX_INJURED}.`, en: `People injured must be a number from 0 to ${MAX_INJURED}.` },
    });
  }

  const anonymous = body.anonymous === true;
  let name: string | undefined;
  let phone: string | undefined;
  if (!anonymous) {
    name = text(body.name) || undefined;
    if (name && (name.length > 120 || !wellFormed(name))) {
      v.push({
        field: 'name',
        message: {
          id: 'Nama terlalu panjang atau berisi karakter yang tidak dapat dibaca (paling banyak 120 huruf).',
          en: 'The name is too long or has characters we cannot read (at most 120).',
        },
      });
    }
    const rawPhone = text(body.phone);
    if (rawPhone) {
      phone = normalisePhone(rawPhone);
      if (!E164.test(phone)) {
        v.push({
          field: 'phone',
          message: {
            id: 'Nomor telepon tidak valid. Tulis seperti 0812 3456 7890 atau +62 812 3456 7890.',
            en: 'The phone number is not valid. Write it like 0812 3456 7890 or +62 812 3456 7890.',
          },
        });
      }
    }
  }

  if (v.length) return { violations: v };
  return {
    report: {
      idempotencyKey: key,
      category: category as Category,
      description: description!,
      location,
      peopleInjured: injured as number,
      anonymous: anonymous || (!name && !phone),
      name,
      phone,
    },
  };
}

/** The request intake's gRPC API takes (snake_case, as on the wire), as the calling system web-portal. */
export function toSubmitRequest(report: CitizenReport, sourceSystem: string) {
  return {
    source_system: sourceSystem,
    external_id: report.idempotencyKey,
    channel: 'WEB',
    reporter: report.anonymous ? { name: '', phone: '', anonymous: true } : { name: report.name ?? '', phone: report.phone ?? '', anonymous: false },
    category_hint: report.category,
    description: report.description,
    location: {
      ...(report.location.latitude !== undefined ? { latitude: report.location.latitude, longitude: report.location.longitude } : {}),
      address: report.location.address ?? '',
      district: report.location.district?.name ?? '',
    },
    people_injured: report.peopleInjured,
    people_involved: 0,
  };
}

export const categoryLabel = (c: Category, lang: Lang) => CATEGORY_LABELS[c][lang];
