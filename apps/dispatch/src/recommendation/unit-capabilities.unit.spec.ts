import { Category, CATEGORIES } from '@callcenter/contracts';
import {
  canHandle,
  CATEGORY_CAPABILITIES,
  CATEGORY_UNIT_TYPES,
  DEFAULT_SPEEDS_KMH,
  parseUnitSpeeds,
  suitability,
  UNIT_TYPES,
  UnitType,
} from './unit-capabilities';

/**
 * Who may go where, written out by hand as a dispatcher would read it, so a change to
 * CATEGORY_UNIT_TYPES has to be made twice on purpose. Columns follow UNIT_TYPES:
 * C = PATROL_CAR, M = MOTORCYCLE_PATROL, T = TRAFFIC, I = INVESTIGATION, F = FIRE_LIAISON, A = AMBULANCE_LIAISON.
 */
const WHO_GOES: Record<Category, string> = {
  //                       C M T I F A
  KEJAHATAN: 'Y Y . Y . .',
  KECELAKAAN_LALU_LINTAS: 'Y Y Y . . Y',
  KEBAKARAN: 'Y . . . Y .',
  GANGGUAN_KETERTIBAN: 'Y Y . . . .',
  BENCANA: 'Y . . . Y Y',
  DARURAT_MEDIS: 'Y . . . . Y',
  ORANG_HILANG: 'Y Y . Y . .',
  INFORMASI_PENGADUAN: 'Y . . . . .',
  LAINNYA: 'Y Y . . . .',
};

const canHandleRows: [Category, UnitType, boolean][] = CATEGORIES.flatMap((category) => {
  const marks = WHO_GOES[category].split(' ');
  return UNIT_TYPES.map((type, i): [Category, UnitType, boolean] => [category, type, marks[i] === 'Y']);
});

const unit = (type: UnitType, capabilities: string[] = []) => ({ type, capabilities });

describe('canHandle', () => {
  it('has a row for every category and unit type', () => {
    expect(canHandleRows).toHaveLength(CATEGORIES.length * UNIT_TYPES.length);
  });

  it.each(canHandleRows)('%s: %s without capabilities → %s', (category, type, expected) => {
    expect(canHandle(unit(type), category)).toBe(expected);
  });

  it.each<[string, UnitType, string[], Category, boolean]>([
    ['motorcycle patrol trained in first aid, medical emergency', 'MOTORCYCLE_PATROL', ['FIRST_AID'], 'DARURAT_MEDIS', true],
    ['investigator with traffic control, traffic accident', 'INVESTIGATION', ['TRAFFIC_CONTROL'], 'KECELAKAAN_LALU_LINTAS', true],
    ['traffic unit with fire safety, fire', 'TRAFFIC', ['FIRE_SAFETY'], 'KEBAKARAN', true],
    ['traffic unit with search, missing person', 'TRAFFIC', ['SEARCH'], 'ORANG_HILANG', true],
    ['traffic unit with search, disaster', 'TRAFFIC', ['SEARCH'], 'BENCANA', true],
    ['motorcycle patrol with first aid, disaster', 'MOTORCYCLE_PATROL', ['FIRST_AID'], 'BENCANA', true],
    ['traffic unit with K9, crime', 'TRAFFIC', ['K9'], 'KEJAHATAN', true],
    ['fire liaison with crowd control, disorder', 'FIRE_LIAISON', ['CROWD_CONTROL'], 'GANGGUAN_KETERTIBAN', true],
    ['qualifying capability listed after others', 'TRAFFIC', ['DRONE', 'SEARCH'], 'ORANG_HILANG', true],
    ['traffic unit with first aid, crime', 'TRAFFIC', ['FIRST_AID'], 'KEJAHATAN', false],
    ['motorcycle patrol with fire safety, medical emergency', 'MOTORCYCLE_PATROL', ['FIRE_SAFETY'], 'DARURAT_MEDIS', false],
    ['capabilities match exactly (registration upper-cases them)', 'MOTORCYCLE_PATROL', ['first_aid'], 'DARURAT_MEDIS', false],
    ['no capability qualifies for a complaint', 'TRAFFIC', ['FIRST_AID', 'SEARCH', 'K9', 'INVESTIGATION'], 'INFORMASI_PENGADUAN', false],
    ['no capability qualifies for "other"', 'FIRE_LIAISON', ['TRAFFIC_CONTROL', 'SEARCH'], 'LAINNYA', false],
  ])('%s → %s', (_name, type, capabilities, category, expected) => {
    expect(canHandle(unit(type, capabilities), category)).toBe(expected);
  });
});

describe('suitability', () => {
  it.each<[string, UnitType, string[], Category, ReturnType<typeof suitability>]>([
    ['best-suited type', 'TRAFFIC', [], 'KECELAKAAN_LALU_LINTAS', { kind: 'TYPE', rank: 0 }],
    ['listed type further down', 'AMBULANCE_LIAISON', [], 'KECELAKAAN_LALU_LINTAS', { kind: 'TYPE', rank: 3 }],
    ['type wins over a capability', 'PATROL_CAR', ['FIRST_AID'], 'DARURAT_MEDIS', { kind: 'TYPE', rank: 1 }],
    ['capability ranks after every listed type', 'MOTORCYCLE_PATROL', ['FIRST_AID'], 'DARURAT_MEDIS', { kind: 'CAPABILITY', rank: 2, capability: 'FIRST_AID' }],
    ['first qualifying capability is named', 'TRAFFIC', ['K9', 'SEARCH'], 'ORANG_HILANG', { kind: 'CAPABILITY', rank: 3, capability: 'K9' }],
    ['cannot handle', 'TRAFFIC', [], 'KEBAKARAN', null],
  ])('%s', (_name, type, capabilities, category, expected) => {
    expect(suitability(unit(type, capabilities), category)).toEqual(expected);
  });
});

describe('domain tables', () => {
  it.each(CATEGORIES.map((c) => [c]))('%s can always get a patrol car, listed once per type', (category) => {
    const types = CATEGORY_UNIT_TYPES[category];
    expect(types).toContain('PATROL_CAR');
    expect(new Set(types).size).toBe(types.length);
    expect(new Set(CATEGORY_CAPABILITIES[category]).size).toBe(CATEGORY_CAPABILITIES[category].length);
  });

  it('uses upper-case capability codes, as units are registered with', () => {
    for (const capabilities of Object.values(CATEGORY_CAPABILITIES)) {
      for (const capability of capabilities) expect(capability).toMatch(/^[A-Z0-9_]+$/);
    }
  });

  it('has an urban Jakarta speed for every unit type: a jam-bound car, a motorcycle faster, none a highway speed', () => {
    expect(Object.keys(DEFAULT_SPEEDS_KMH).sort()).toEqual([...UNIT_TYPES].sort());
    for (const speed of Object.values(DEFAULT_SPEEDS_KMH)) expect(speed >= 15 && speed <= 40).toBe(true);
    expect(DEFAULT_SPEEDS_KMH.MOTORCYCLE_PATROL).toBeGreaterThan(DEFAULT_SPEEDS_KMH.PATROL_CAR);
  });
});

describe('parseUnitSpeeds', () => {
  it.each<[string, string, Partial<Record<UnitType, number>>]>([
    ['nothing keeps the defaults', '', {}],
    ['blanks keep the defaults', '  , ,', {}],
    ['the example from the configuration', 'PATROL_CAR=30,MOTORCYCLE_PATROL=35', {}],
    ['one type', 'TRAFFIC=40', { TRAFFIC: 40 }],
    ['spaces around parts and signs', ' INVESTIGATION = 20 , FIRE_LIAISON=28 ,', { INVESTIGATION: 20, FIRE_LIAISON: 28 }],
    ['decimals', 'AMBULANCE_LIAISON=27.5', { AMBULANCE_LIAISON: 27.5 }],
    ['the upper bound', 'MOTORCYCLE_PATROL=200', { MOTORCYCLE_PATROL: 200 }],
    [
      'every type',
      'PATROL_CAR=20,MOTORCYCLE_PATROL=25,TRAFFIC=26,INVESTIGATION=18,FIRE_LIAISON=22,AMBULANCE_LIAISON=24',
      { PATROL_CAR: 20, MOTORCYCLE_PATROL: 25, TRAFFIC: 26, INVESTIGATION: 18, FIRE_LIAISON: 22, AMBULANCE_LIAISON: 24 },
    ],
  ])('reads %s', (_name, text, changed) => {
    expect(parseUnitSpeeds(text)).toEqual({ ...DEFAULT_SPEEDS_KMH, ...changed });
  });

  it('returns a copy, so a caller cannot change the defaults', () => {
    const speeds = parseUnitSpeeds('');
    speeds.PATROL_CAR = 99;
    expect(DEFAULT_SPEEDS_KMH.PATROL_CAR).toBe(30);
  });

  it.each<[string, string, string]>([
    ['no sign', 'PATROL_CAR', '"PATROL_CAR" is not <UNIT_TYPE>=<km/h>'],
    ['no speed', 'PATROL_CAR=', '"PATROL_CAR=" is not <UNIT_TYPE>=<km/h>'],
    ['no type', '=30', '"=30" is not <UNIT_TYPE>=<km/h>'],
    ['two signs', 'PATROL_CAR=30=40', '"PATROL_CAR=30=40" is not <UNIT_TYPE>=<km/h>'],
    ['a colon', 'TRAFFIC:35', '"TRAFFIC:35" is not <UNIT_TYPE>=<km/h>'],
    ['unknown type', 'PATROL_CAR=30,HELICOPTER=120', '"HELICOPTER=120": unknown unit type HELICOPTER'],
    ['lower-case type', 'patrol_car=30', '"patrol_car=30": unknown unit type patrol_car'],
    ['a word for a speed', 'TRAFFIC=fast', '"TRAFFIC=fast": speed must be a number of km/h'],
    ['a unit after the speed', 'TRAFFIC=35kmh', '"TRAFFIC=35kmh": speed must be a number of km/h'],
    ['exponent notation', 'TRAFFIC=1e2', '"TRAFFIC=1e2": speed must be a number of km/h'],
    ['zero', 'INVESTIGATION=0', '"INVESTIGATION=0": speed must be a number of km/h above 0'],
    ['negative', 'INVESTIGATION=-25', '"INVESTIGATION=-25": speed must be a number of km/h'],
    ['a typo far above the limit', 'PATROL_CAR=300', '"PATROL_CAR=300": speed must be a number of km/h above 0 and at most 200'],
    ['the same type twice', 'PATROL_CAR=30,MOTORCYCLE_PATROL=35,PATROL_CAR=40', '"PATROL_CAR=40": speed of PATROL_CAR given twice'],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseUnitSpeeds(text)).toThrow(message);
  });
});
