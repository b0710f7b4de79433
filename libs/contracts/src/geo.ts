/** A position as callers' phones and the map report it: WGS 84 degrees. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** Mean earth radius (IUGG); the sphere is off by at most ~0.5 % against the ellipsoid, plenty for "is it nearby". */
const EARTH_RADIUS_METERS = 6_371_008.8;

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/**
 * Great-circle distance in metres. Haversine rather than the law of cosines because it stays
 * accurate for the few-hundred-metre distances duplicate detection cares about.
 */
export function haversineMeters(a: GeoPoint, b: GeoPoint): number {
  const dLat = toRadians(b.latitude - a.latitude);
  const dLon = toRadians(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.latitude)) * Math.cos(toRadians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  // Rounding can push h a hair above 1 for antipodal points, where asin would return NaN.
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(Math.min(1, h)));
}
