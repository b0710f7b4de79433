import { ComponentProps, lazy, Suspense } from 'react';
import type { MapView as MapViewType } from './MapView';

export type { MapPoint } from './MapView';

// MapLibre is most of the bundle; the queue, the unit's phone and sign-in do not wait for it.
const MapView = lazy(() => import('./MapView').then((m) => ({ default: m.MapView })));

export function LazyMapView(props: ComponentProps<typeof MapViewType>) {
  return (
    <Suspense fallback={<div className="map" style={{ height: props.height ?? 320 }} />}>
      <MapView {...props} />
    </Suspense>
  );
}
