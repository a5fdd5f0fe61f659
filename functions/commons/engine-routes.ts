import type middy from '@middy/core';
import type { EngineReads } from '#ports/engine-reads.ts';
import { apiRoutes } from '#resources/api-routes.ts';
import type { HttpEvent } from './http.ts';
import { ProblemError } from './problems.ts';
import { engineReads, services } from './services.ts';

/** The problem of a route the configured engine cannot serve. */
function notSupported(routeKey: string): ProblemError {
  const { ENGINE } = services().config;
  return new ProblemError(
    501,
    'NOT_SUPPORTED_BY_ENGINE',
    `${routeKey} acts on the built-in engine's records, and this deployment acts on a ${ENGINE} engine (ENGINE=${ENGINE}): call that engine for it. Batches, their dry runs, items, reports and controls are served here whatever the engine`,
  );
}

/**
 * middy middleware: a route that reads or changes the built-in engine's own records (deployments,
 * instance creation, job activation) is refused with a problem naming the configured engine when the
 * deployment acts on another one, instead of answering from the built-in store, which then holds
 * nothing the operator's engine has. Batch routes (`anyEngine`) pass, and so do the reads the engine
 * serves through its read port (`engineReads`).
 */
export function engineRoutes(): middy.MiddlewareObj<HttpEvent> {
  return {
    before: ({ event }) => {
      if (services().config.ENGINE === 'builtin') return;
      const route = apiRoutes.find(({ method, path }) => `${method} ${path}` === event.routeKey);
      if (!route || route.anyEngine || (route.engineReads && engineReads())) return;
      throw notSupported(event.routeKey);
    },
  };
}

/** The configured engine's reads, for a route marked `engineReads` (the middleware has refused it on an engine without them). */
export function reads(event: HttpEvent): EngineReads {
  const found = engineReads();
  if (!found) throw notSupported(event.routeKey);
  return found;
}
