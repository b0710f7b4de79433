import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import { GeoJSONSource, LngLatBoundsLike, Map as MapLibre, MapLibreEvent, Marker, NavigationControl, setWorkerUrl, StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';

// The worker is bundled as a file of our own origin, so the content security policy needs no blob: workers.
setWorkerUrl(workerUrl);
import { useI18n } from '../i18n';
import { useSession } from '../session';

export interface MapPoint {
  id: string;
  latitude: number;
  longitude: number;
  /** Shown on the marker; a word, so colour is never the only signal. */
  label: string;
  kind: 'report' | 'candidate' | 'incident' | 'unit-available' | 'unit-busy' | 'unit-off';
}

const COLOURS: Record<MapPoint['kind'], string> = {
  report: '#ff6b6b',
  candidate: '#ffb347',
  incident: '#ff6b6b',
  'unit-available': '#4cd97b',
  'unit-busy': '#5aa9ff',
  'unit-off': '#8a96a3',
};

/**
 * The jurisdiction with its districts and the given points. With no MAP_TILE_URL there is no base
 * map at all (an intranet may have no tile server): districts and points are drawn on a plain
 * background, and the screen says so. Auto-fit happens only when the set of points changes; once
 * the person pans or zooms, the view stays theirs.
 */
export function MapView({
  points,
  selectedId,
  onSelect,
  height = 320,
}: {
  points: MapPoint[];
  selectedId?: string | null;
  onSelect?: (id: string) => void;
  height?: number;
}) {
  const { t } = useI18n();
  const { reference } = useSession();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const markers = useRef<Marker[]>([]);
  const [problem, setProblem] = useState<string | null>(reference.mapTileUrl ? null : t('mapUnavailable'));
  const fittedFor = useRef('');
  const userMoved = useRef(false);

  useEffect(() => {
    if (!container.current) return;
    const districts = reference.jurisdiction.districts;
    const style: StyleSpecification = {
      version: 8,
      sources: {
        districts: {
          type: 'geojson',
          data: {
            type: 'FeatureCollection',
            features: districts.map((d) => ({
              type: 'Feature',
              properties: { name: d.name },
              geometry: { type: 'Point', coordinates: [d.longitude, d.latitude] },
            })),
          },
        },
        points: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        ...(reference.mapTileUrl ? { base: { type: 'raster', tiles: [reference.mapTileUrl], tileSize: 256, attribution: '© OpenStreetMap' } } : {}),
      },
      layers: [
        { id: 'background', type: 'background', paint: { 'background-color': '#1b2631' } },
        ...(reference.mapTileUrl ? [{ id: 'base', type: 'raster' as const, source: 'base', paint: { 'raster-brightness-max': 0.7 } }] : []),
        {
          id: 'district-area',
          type: 'circle',
          source: 'districts',
          paint: { 'circle-radius': 28, 'circle-color': '#2e4053', 'circle-opacity': 0.6, 'circle-stroke-color': '#5d7a96', 'circle-stroke-width': 1 },
        },
        {
          id: 'points',
          type: 'circle',
          source: 'points',
          paint: {
            'circle-radius': ['case', ['get', 'selected'], 10, 7],
            'circle-color': ['get', 'colour'],
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': ['case', ['get', 'selected'], 3, 1],
          },
        },
      ],
    };
    let instance: MapLibre;
    try {
      instance = new MapLibre({
        container: container.current,
        style,
        bounds: boundsOf(districts.map((d) => [d.longitude, d.latitude])),
        fitBoundsOptions: { padding: 30 },
        attributionControl: reference.mapTileUrl ? { compact: true } : false,
      });
    } catch (e) {
      setProblem(`${t('mapUnavailable')} (${(e as Error).message})`);
      return;
    }
    map.current = instance;
    instance.addControl(new NavigationControl({ showCompass: false }));
    instance.on('error', (e: { error?: { message?: string } }) => setProblem(`${t('mapUnavailable')}${e.error?.message ? ` (${e.error.message})` : ''}`));
    instance.on('movestart', (e: MapLibreEvent & { originalEvent?: Event }) => {
      if ((e as { originalEvent?: Event }).originalEvent) userMoved.current = true;
    });
    // District names as HTML markers: no glyph server is needed for text.
    for (const d of districts) {
      const el = document.createElement('span');
      el.className = 'map-district';
      el.textContent = d.name;
      el.setAttribute('aria-hidden', 'true');
      new Marker({ element: el }).setLngLat([d.longitude, d.latitude]).addTo(instance);
    }
    return () => {
      instance.remove();
      map.current = null;
    };
  }, [reference, t]);

  useEffect(() => {
    const instance = map.current;
    if (!instance) return;
    const draw = () => {
      const source = instance.getSource('points') as GeoJSONSource | undefined;
      source?.setData({
        type: 'FeatureCollection',
        features: points.map((p) => ({
          type: 'Feature',
          properties: { id: p.id, colour: COLOURS[p.kind], selected: p.id === selectedId },
          geometry: { type: 'Point', coordinates: [p.longitude, p.latitude] },
        })),
      });
      for (const m of markers.current) m.remove();
      markers.current = points.map((p) => {
        const el = document.createElement('button');
        el.type = 'button';
        el.className = `map-label map-label-${p.kind}${p.id === selectedId ? ' selected' : ''}`;
        el.textContent = p.label;
        el.tabIndex = -1;
        el.setAttribute('aria-hidden', 'true');
        el.onclick = () => onSelect?.(p.id);
        return new Marker({ element: el, offset: [0, -16] }).setLngLat([p.longitude, p.latitude]).addTo(instance);
      });
      const key = points
        .map((p) => p.id)
        .sort()
        .join(',');
      if (key !== fittedFor.current && points.length && !userMoved.current) {
        fittedFor.current = key;
        instance.fitBounds(boundsOf(points.map((p) => [p.longitude, p.latitude])), { padding: 50, maxZoom: 15, duration: 0 });
      }
    };
    if (instance.isStyleLoaded()) draw();
    else instance.once('load', draw);
  }, [points, selectedId, onSelect]);

  return (
    <figure className="map" aria-label={t('mapLabel')}>
      <div ref={container} style={{ height }} />
      {problem && <figcaption className="muted">{problem}</figcaption>}
    </figure>
  );
}

function boundsOf(coordinates: [number, number][]): LngLatBoundsLike {
  const lons = coordinates.map((c) => c[0]);
  const lats = coordinates.map((c) => c[1]);
  const pad = coordinates.length === 1 ? 0.01 : 0;
  return [
    [Math.min(...lons) - pad, Math.min(...lats) - pad],
    [Math.max(...lons) + pad, Math.max(...lats) + pad],
  ];
}
