import { authorizationHeader, LOCAL_DEFAULT_PASSWORD, LOCAL_DEFAULT_USER } from '../cli/connection.ts';

/** The embedded run's demo user, as every caller of its API must authenticate. */
export const DEMO_AUTHORIZATION = authorizationHeader({
  kind: 'basic',
  user: LOCAL_DEFAULT_USER,
  password: LOCAL_DEFAULT_PASSWORD,
  defaulted: true,
}) as string;

/**
 * The naive baseline: the same cancellation done the way a user would without this service, through
 * its public API only. Page through `POST /v2/process-instances/search` with the `after` cursor
 * (Camunda's largest page, so as few searches as possible), and cancel every instance of a page
 * with `POST /v2/process-instances/{key}/cancellation`, `concurrency` calls in flight, before asking
 * for the next page.
 */
export async function runNaiveBaseline(options: {
  url: string;
  processDefinitionId: string;
  pageLimit: number;
  concurrency: number;
}): Promise<{ durationMs: number; searches: number; canceled: number; refused: number }> {
  const started = performance.now();
  let after: string | undefined;
  let searches = 0;
  let canceled = 0;
  let refused = 0;
  for (;;) {
    const response = await fetch(`${options.url}/v2/process-instances/search`, {
      method: 'POST',
      headers: { authorization: DEMO_AUTHORIZATION, 'content-type': 'application/json' },
      body: JSON.stringify({
        filter: { processDefinitionId: options.processDefinitionId, state: 'ACTIVE' },
        page: { limit: options.pageLimit, ...(after ? { after } : {}) },
      }),
    });
    searches++;
    if (!response.ok) throw new Error(`Search failed with ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as {
      items: { processInstanceKey: string }[];
      page: { endCursor?: string };
    };
    if (page.items.length === 0) break;
    let next = 0;
    const lane = async () => {
      while (next < page.items.length) {
        const { processInstanceKey } = page.items[next++];
        const cancel = await fetch(`${options.url}/v2/process-instances/${processInstanceKey}/cancellation`, {
          method: 'POST',
          headers: { authorization: DEMO_AUTHORIZATION },
        });
        await cancel.arrayBuffer();
        if (cancel.status === 204) canceled++;
        else refused++;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, lane));
    after = page.page.endCursor;
  }
  return { durationMs: performance.now() - started, searches, canceled, refused };
}
