import type { LocationInfo } from '../../../../../shared/message-extra';
import { webDomain } from '../../../../../shared/links';
import { Icon } from '../../../ui/Icon';
import { useMessageActions } from './actions';

/** Where "Open in maps" goes: the source's own maps link when it is a web link, else OSM. */
export function mapsUrl(place: LocationInfo): string {
  if (place.url && webDomain(place.url)) return place.url;
  const lat = place.lat.toFixed(6);
  const lon = place.lon.toFixed(6);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

/** "38.71339° N, 9.13981° W". */
export function formatCoordinates(lat: number, lon: number): string {
  const f = (v: number) => Math.abs(v).toFixed(5);
  return `${f(lat)}° ${lat >= 0 ? 'N' : 'S'}, ${f(lon)}° ${lon >= 0 ? 'E' : 'W'}`;
}

/**
 * A shared location as a card: a drawn map tile with a pin (no map images are fetched: the app
 * reaches no server), the place's name and address, the coordinates and "Open in maps".
 */
export function LocationCard({ place }: { place: LocationInfo }) {
  const { openLink } = useMessageActions();
  const coordinates = formatCoordinates(place.lat, place.lon);
  return (
    <div className="location">
      <div className="location-map" aria-hidden="true">
        <span className="location-pin">
          <Icon name="pin" size={30} />
        </span>
      </div>
      <div className="location-text">
        <div className="location-name" dir="auto">
          {place.name ?? 'Location'}
        </div>
        {place.address && (
          <div className="location-address" dir="auto">
            {place.address}
          </div>
        )}
        <div className="location-coords" dir="ltr">
          {coordinates}
        </div>
      </div>
      <button type="button" className="card-action" onClick={() => openLink(mapsUrl(place))}>
        <Icon name="external" size={16} />
        Open in maps
      </button>
    </div>
  );
}
