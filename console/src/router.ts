import { useEffect, useState } from 'react';

/** The console's views, addressed by the URL hash so that a static host needs no rewrite rule. */
export type Route =
  | { view: 'batches'; page: number; runningPage?: number; type: string; state: string }
  | { view: 'batch'; key: string }
  | { view: 'new' }
  | { view: 'instance'; key: string };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'batches' && parts[1]) return { view: 'batch', key: decodeURIComponent(parts[1]) };
  if (parts[0] === 'new') return { view: 'new' };
  if (parts[0] === 'instances' && parts[1]) return { view: 'instance', key: decodeURIComponent(parts[1]) };
  return {
    view: 'batches',
    page: Math.max(1, Number(params.get('page') ?? 1) || 1),
    runningPage: Math.max(1, Number(params.get('running') ?? 1) || 1),
    type: params.get('type') ?? '',
    state: params.get('state') ?? '',
  };
}

export function href(route: Route): string {
  switch (route.view) {
    case 'batch':
      return `#/batches/${encodeURIComponent(route.key)}`;
    case 'new':
      return '#/new';
    case 'instance':
      return `#/instances/${encodeURIComponent(route.key)}`;
    default: {
      const params = new URLSearchParams();
      if (route.page > 1) params.set('page', String(route.page));
      if ((route.runningPage ?? 1) > 1) params.set('running', String(route.runningPage));
      if (route.type) params.set('type', route.type);
      if (route.state) params.set('state', route.state);
      const query = params.toString();
      return `#/batches${query ? `?${query}` : ''}`;
    }
  }
}

export function navigate(route: Route) {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
