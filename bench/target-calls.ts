/**
 * The engine's answers as this process sees them: every `fetch` to the engine's address (the service's
 * engine client, the naive loop, the floor) counted by method, route and status, e.g.
 * `POST /v2/process-instances/{key}/cancellation 429`. Installed over the platform's fetch, which both
 * adapters' clients call at request time; other addresses pass uncounted.
 */
export class TargetCalls {
  private counts: Record<string, number> = {};
  private readonly base = globalThis.fetch;

  constructor(private readonly origin: string) {
    globalThis.fetch = async (input, init) => {
      const response = await this.base(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url.startsWith(this.origin)) {
        const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
        const key = `${method.toUpperCase()} ${routeOf(new URL(url).pathname)} ${response.status}`;
        this.counts[key] = (this.counts[key] ?? 0) + 1;
      }
      return response;
    };
  }

  /** The counts since the last take. */
  take(): Record<string, number> {
    const counts = this.counts;
    this.counts = {};
    return counts;
  }

  uninstall(): void {
    globalThis.fetch = this.base;
  }
}

/** A path with its keys and ids as `{key}`, so that calls group by route. */
export function routeOf(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) =>
      /^\d+$/.test(segment) || /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(segment) ? '{key}' : segment,
    )
    .join('/');
}
