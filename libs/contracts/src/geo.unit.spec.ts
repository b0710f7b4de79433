import { GeoPoint, haversineMeters } from './geo';

const MONAS: GeoPoint = { latitude: -6.1754, longitude: 106.8272 };
const BUNDARAN_HI: GeoPoint = { latitude: -6.195, longitude: 106.823 };

/** Metres per degree of arc on the same sphere: R·π/180. */
const METERS_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;

/**
 * Independent check for short distances: flat-earth (equirectangular) approximation, good to far
 * better than 1 % over a few kilometres.
 */
function equirectangularMeters(a: GeoPoint, b: GeoPoint): number {
  const meanLat = (((a.latitude + b.latitude) / 2) * Math.PI) / 180;
  const north = (b.latitude - a.latitude) * METERS_PER_DEGREE;
  const east = (b.longitude - a.longitude) * Math.cos(meanLat) * METERS_PER_DEGREE;
  return Math.hypot(north, east);
}

describe('haversineMeters', () => {
  it('puts Monas about 2.2 km from Bundaran HI', () => {
    const expected = equirectangularMeters(MONAS, BUNDARAN_HI);
    expect(expected).toBeGreaterThan(2_200);
    expect(expected).toBeLessThan(2_260);
    expect(Math.abs(haversineMeters(MONAS, BUNDARAN_HI) - expected) / expected).toBeLessThan(0.01);
  });

  it.each<[string, GeoPoint, GeoPoint, number]>([
    ['one degree of longitude on the equator', { latitude: 0, longitude: 106 }, { latitude: 0, longitude: 107 }, METERS_PER_DEGREE],
    ['one degree of latitude', { latitude: -7, longitude: 110 }, { latitude: -6, longitude: 110 }, METERS_PER_DEGREE],
    ['across the antimeridian', { latitude: 0, longitude: 179.5 }, { latitude: 0, longitude: -179.5 }, METERS_PER_DEGREE],
    ['pole to pole', { latitude: 90, longitude: 0 }, { latitude: -90, longitude: 0 }, 180 * METERS_PER_DEGREE],
    ['antipodes', { latitude: -6.1754, longitude: 106.8272 }, { latitude: 6.1754, longitude: -73.1728 }, 180 * METERS_PER_DEGREE],
  ])('measures %s', (_name, a, b, expected) => {
    expect(Math.abs(haversineMeters(a, b) - expected) / expected).toBeLessThan(1e-9);
  });

  it('is zero for the same point', () => {
    expect(haversineMeters(MONAS, MONAS)).toBe(0);
    expect(haversineMeters(MONAS, { ...MONAS })).toBe(0);
  });

  it('is the same in both directions', () => {
    expect(haversineMeters(BUNDARAN_HI, MONAS)).toBeCloseTo(haversineMeters(MONAS, BUNDARAN_HI), 9);
  });
});
