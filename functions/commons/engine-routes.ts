import type middy from '@middy/core';
import { apiRoutes } from '#resources/api-routes.ts';
import type { HttpEvent } from './http.ts';
import { ProblemError } from './problems.ts';
import { services } from './services.ts';

/**
 * middy middleware: a route that reads or changes the built-in engine's own records (deployments,
 * instances, jobs, incidents) is refused with a problem naming the configured engine when the
 * deployment acts on another one, instead of answering from the built-in store, which then holds
 * nothing the operator's engine has. Batch routes (`anyEngine`) pass.
 */
export function engineRoutes(): middy.MiddlewareObj<HttpEvent> {
  return {
    before: ({ event }) => {
      const { ENGINE } = services().config;
      if (ENGINE === 'builtin') return;
      const route = apiRoutes.find(({ method, path }) => `${method} ${path}` === event.routeKey);
      if (!route || route.anyEngine) return;
      throw new ProblemError(
        501,
        'NOT_SUPPORTED_BY_ENGINE',
        `${event.routeKey} acts on the built-in engine's records, and this deployment acts on a ${ENGINE} engine (ENGINE=${ENGINE}): call that engine for it. Batches, their dry runs, items, reports and controls are served here whatever the engine`,
      );
    },
  };
}
