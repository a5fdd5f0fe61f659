import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { createThresholdBatch, MIN_PROCESSED_ITEMS, thresholdBound } from '../helpers/failure-threshold.ts';
import { launchChromium } from './helpers/browser.ts';
import { type ConsolePage, openSignedInConsole } from './helpers/console-page.ts';
import { screenshotFolder } from './helpers/screenshots.ts';
import { instanceSeeder } from './helpers/seed-instances.ts';

/**
 * The console tells the truth at every moment: the tenant of a picked definition reaches the filter,
 * the count and the REST call; failures show as they come and in the bar's colour; a final batch has
 * nothing "pending"; the lowest rate is known before the last step; a refused creation keeps the inputs.
 */
const DEADLINE = 60_000;
// 2 shards × chunks of 90 items within 60 s: the lowest rate is 3 items/s.
const CONFIG = { SHARD_COUNT: '2', CHUNK_SIZE: '90' };

let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let browser: Browser;
let page: Page;
let errors: string[];
let closePage: () => Promise<void>;
let console_: ConsolePage;
const screenshots = screenshotFolder();

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, config: CONFIG, pollIntervalMs: 100 });
  browser = await launchChromium();
  api = apiClient(runtime.url);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  screenshots.discard();
});
beforeEach(async () => {
  ({ page, errors, console: console_, close: closePage } = await openSignedInConsole(browser, runtime.url));
});
afterEach(() => closePage());

const seed = instanceSeeder('truthful', 90_000);

const text = (selector: ReturnType<Page['locator']>) => () => selector.textContent();

/** The browser's getComputedStyle, typed for the evaluated function (this test's types are Node's). */
type Styles = { getComputedStyle(element: unknown): Record<'color' | 'backgroundColor', string> };
const cssOf = (locator: ReturnType<Page['locator']>, property: 'color' | 'backgroundColor') =>
  locator.evaluate(
    (element, name) => (globalThis as unknown as Styles).getComputedStyle(element)[name],
    property,
  );

/** The page's words, without the options of its selects (the item filter offers "ACTIVE (pending)"). */
const pageWords = () =>
  page.locator('main').evaluate((main) => {
    const copy = main.cloneNode(true) as typeof main;
    for (const select of copy.querySelectorAll('select')) select.remove();
    return copy.textContent ?? '';
  });

async function deployed(fixture: string, tenantId: string): Promise<string> {
  const answer = await api.deploy([fixture], tenantId);
  expect(answer.status).toBe(200);
  return answer.body.deployments[0].processDefinition.processDefinitionKey;
}

async function startInstances(processDefinitionKey: string, count: number) {
  for (let n = 0; n < count; n++)
    expect((await api.post('/v2/process-instances', { processDefinitionKey })).status).toBe(200);
}

/** Creates the batch on the confirmation step and answers its key from the result's link. */
async function createFromConfirmation(): Promise<string> {
  await page.getByRole('button', { name: /^Create the batch/ }).click();
  const link = page.getByRole('link', { name: /^Open batch \d+$/ });
  await link.waitFor({ timeout: DEADLINE });
  return ((await link.textContent()) ?? '').replace('Open batch ', '');
}

describe('the migration wizard', { timeout: 180_000 }, () => {
  it("carries the picked source definition's tenant into the filter, the count and the REST call, offers only targets of that tenant, grouped, and maps on both diagrams", async () => {
    const acmeV1 = await deployed('e2e-shipping-v1.bpmn', 'acme');
    const acmeV2 = await deployed('e2e-shipping-v2.bpmn', 'acme');
    const globexV1 = await deployed('e2e-shipping-v1.bpmn', 'globex');
    await deployed('e2e-shipping-v2.bpmn', 'globex');
    await startInstances(acmeV1, 3);
    await startInstances(globexV1, 2);

    const acmeOrder = await deployed('e2e-order.bpmn', 'acme');

    await console_.openWizard();
    await console_.chooseOperation('Migrate process instances');
    await page.getByLabel('Migrate from definition').selectOption(acmeV1);
    // The source's other versions of its tenant, then the tenant's other processes, each group apart.
    const groups = page.getByLabel('Target definition and version').locator('optgroup');
    await expect
      .poll(() =>
        groups.evaluateAll((found) =>
          found.map((group) => ({
            label: group.getAttribute('label'),
            keys: [...group.querySelectorAll('option')].map((option) => option.getAttribute('value')),
          })),
        ),
      )
      .toEqual([
        { label: 'Other versions of e2e-shipping', keys: [acmeV2] },
        { label: 'Other processes (element ids must be mapped)', keys: [acmeOrder] },
      ]);
    await page.getByLabel('Target definition and version').selectOption(acmeV2);
    // Both diagrams drawn: the source's element on its own, and one that exists only in the target.
    const source = page.getByRole('region', { name: /^Diagram of the source definition/ });
    const target = page.getByRole('region', { name: /^Diagram of the target definition/ });
    await target.locator('g.djs-element[data-element-id="pack-parcel"]').waitFor({ timeout: DEADLINE });
    expect(await source.locator('g.djs-element[data-element-id="pack-parcel"]').count()).toBe(0);
    await source.locator('g.djs-element[data-element-id="pack"]').click();
    await target.locator('g.djs-element[data-element-id="pack-parcel"]').click();
    await expect.poll(() => page.getByLabel('Source element 1').inputValue()).toBe('pack');
    await expect.poll(() => page.getByLabel('Target element 1').inputValue()).toBe('pack-parcel');
    await page
      .getByRole('region', { name: 'Source process diagram' })
      .getByText('Active instances: pack 3')
      .waitFor({ timeout: DEADLINE });
    await screenshots.take(page, 'console-wizard-migration.png');
    await console_.nextButton.click();

    await expect.poll(() => page.getByLabel('Tenant id').inputValue()).toBe('acme');
    await expect.poll(text(console_.matchCount), { timeout: DEADLINE }).toBe('3 matching instances');
    await console_.nextButton.click();

    await page.getByRole('switch', { name: 'The exact REST call' }).press('Enter');
    const call = page.getByRole('region', { name: 'REST call' });
    await expect.poll(text(call)).toContain('POST /v2/process-instances/migration');
    const shown = (await call.locator('pre').first().textContent()) ?? '';
    expect(JSON.parse(shown.slice(shown.indexOf('{'))).filter).toEqual({
      processDefinitionId: 'e2e-shipping',
      processDefinitionVersion: 1,
      tenantId: 'acme',
      state: 'ACTIVE',
    });
    const key = await createFromConfirmation();
    await expect
      .poll(text(page.getByTestId('result-counts')), { timeout: DEADLINE })
      .toBe('3 total, 3 completed, 0 failed (COMPLETED)');
    expect((await api.finalBatch(key)).operationsFailedCount).toBe(0);
  });
});

describe('the result step', { timeout: 120_000 }, () => {
  it('states the failures of the new batch as they come, not only that it matched the preview', async () => {
    const { processDefinitionId } = await seed(6, 2);
    await console_.openWizard();
    await console_.chooseOperation('Cancel process instances');
    await console_.nextButton.click();
    await page.getByLabel('Process definition id').fill(processDefinitionId);
    await page.getByLabel('Instance state').selectOption('');
    await expect.poll(text(console_.matchCount), { timeout: DEADLINE }).toBe('6 matching instances');
    await console_.nextButton.click();
    await createFromConfirmation();
    await expect
      .poll(text(page.getByRole('alert').filter({ hasText: 'failed' })), { timeout: DEADLINE })
      .toContain('2 of 6 processed items failed');
  });
});

describe('a finished batch', { timeout: 120_000 }, () => {
  it('shows its failed items in red on the bar and its counts without "pending"', async () => {
    const { processDefinitionId } = await seed(8, 3);
    const created = await api.post('/v2/process-instances/cancellation', { filter: { processDefinitionId } });
    const key = created.body.batchOperationKey as string;
    await api.finalBatch(key);

    await console_.openBatch(key);
    await console_.batchState('COMPLETED').waitFor({ timeout: DEADLINE });
    await expect.poll(text(page.getByTestId('batch-counts'))).toBe('8 total, 5 completed, 3 failed');
    const bar = page.getByRole('progressbar', { name: 'Progress', exact: true });
    expect(await bar.getAttribute('aria-valuetext')).toBe('100% · 5 completed, 3 failed');
    expect(await bar.getAttribute('aria-busy')).toBe('false');
    const failed = bar.locator('.counts-bar__failed');
    const completed = bar.locator('.counts-bar__completed');
    const width = (segment: typeof failed) =>
      segment.evaluate((element) => element.getBoundingClientRect().width);
    const whole = await bar.evaluate((element) => element.getBoundingClientRect().width);
    expect(await cssOf(failed, 'backgroundColor')).toBe('rgb(218, 30, 40)');
    expect((await width(failed)) / whole).toBeCloseTo(3 / 8, 1);
    expect((await width(completed)) / whole).toBeCloseTo(5 / 8, 1);
    expect(await pageWords()).not.toMatch(/Loading|pending/);
  });

  it('reads CANCELED with its unprocessed items canceled, not pending, in its details and in the list', async () => {
    const { processDefinitionId } = await seed(60);
    // At the lowest rate the batch runs for about 20 s: it is canceled long before it ends.
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 3,
    });
    const key = created.body.batchOperationKey as string;
    expect((await api.post(`/v2/batch-operations/${key}/cancellation`, {})).status).toBe(204);
    const ended = await api.finalBatch(key);
    expect(ended.state).toBe('CANCELED');
    const unprocessed =
      ended.operationsTotalCount - ended.operationsCompletedCount - ended.operationsFailedCount;
    expect(unprocessed).toBeGreaterThan(0);

    await console_.openBatch(key);
    await console_.batchState('CANCELED').waitFor({ timeout: DEADLINE });
    await expect
      .poll(text(page.getByTestId('batch-counts')))
      .toBe(
        `${ended.operationsTotalCount} total, ${ended.operationsCompletedCount} completed, ${ended.operationsFailedCount} failed, ${unprocessed} canceled`,
      );
    expect(await pageWords()).not.toMatch(/Loading|pending/);

    await page.goto(`${runtime.url}/#/batches`);
    const finished = page.getByRole('table', { name: 'Finished batches' });
    const row = finished.locator(`tr[data-batch-key="${key}"]`);
    await row.waitFor({ timeout: DEADLINE });
    await expect.poll(text(finished.getByRole('columnheader').nth(6))).toBe('Not processed');
    expect(await row.textContent()).not.toMatch(/Loading|pending/);
  });
});

/** The batch view's counts and rate as an operator reads them. */
async function shownProgress() {
  const counts = (await page.getByTestId('batch-counts').textContent()) ?? '';
  const rate = (await page.locator('dl[aria-label="Progress"] dd').nth(1).textContent()) ?? '';
  return {
    completed: Number(counts.match(/(\d+) completed/)?.[1]),
    failed: Number(counts.match(/(\d+) failed/)?.[1]),
    itemsPerSecond: Number(rate.match(/^([\d.]+) items\/s/)?.[1] ?? 0),
    active: (await console_.batchState('ACTIVE').count()) === 1,
  };
}

describe('a running batch', { timeout: 120_000 }, () => {
  it("shows its counts moving inside its chunks at a rate limit, never a rate above the batch's own", async () => {
    // Prepare: 60 items at the lowest rate, 3 items/s: each shard's ~30 items are one chunk of 10 s and more.
    const { processDefinitionId } = await seed(60);
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 3,
    });
    const key = created.body.batchOperationKey as string;

    // Act: the batch view as it refreshes, until it shows items done.
    await console_.openBatch(key);
    const seen: Awaited<ReturnType<typeof shownProgress>>[] = [];
    await expect
      .poll(
        async () => {
          seen.push(await shownProgress());
          return seen[seen.length - 1].completed;
        },
        { timeout: DEADLINE },
      )
      .toBeGreaterThan(0);
    const first = seen[seen.length - 1];
    const { body } = await api.get(`/v2/batch-operations/${key}`);

    // Assess: the first count shown came from inside the running chunks (before, nothing moved until
    // a shard's whole chunk was done), and no rate shown was above 3 items/s.
    const smallestShard = Math.min(
      ...body.shards.map((shard: { operationsTotalCount: number }) => shard.operationsTotalCount),
    );
    expect(first.active).toBe(true);
    expect(first.completed).toBeLessThan(smallestShard);
    expect(Math.max(...seen.map((shown) => shown.itemsPerSecond))).toBeLessThanOrEqual(3);
    expect((await api.post(`/v2/batch-operations/${key}/cancellation`, {})).status).toBe(204);
    await api.finalBatch(key);
  });

  it("ends FAILED within its failure threshold's bound and says why, with the failures in red", async () => {
    // Prepare: 2 shards of ~100 items, each in a chunk of 90 and one of the rest.
    const { processDefinitionId } = await seed(200);
    const key = await createThresholdBatch(api, processDefinitionId);

    // Act
    await console_.openBatch(key);
    await console_.batchState('FAILED').waitFor({ timeout: DEADLINE });

    // Assess: within the bound docs/limits.md states (before, it was checked when a chunk of 90 ended).
    const shown = await shownProgress();
    expect(shown.completed).toBe(0);
    expect(shown.failed).toBeGreaterThanOrEqual(MIN_PROCESSED_ITEMS);
    expect(shown.failed).toBeLessThanOrEqual(thresholdBound(2));
    await expect
      .poll(text(page.getByTestId('batch-counts')))
      .toBe(`200 total, 0 completed, ${shown.failed} failed, ${200 - shown.failed} not processed`);
    await expect
      .poll(text(page.getByRole('alert').filter({ hasText: 'Batch:' })))
      .toContain(`Failure threshold exceeded`);
    const bar = page.getByRole('progressbar', { name: 'Progress', exact: true });
    expect(await cssOf(bar.locator('.counts-bar__failed'), 'backgroundColor')).toBe('rgb(218, 30, 40)');
    await screenshots.take(page, 'console-batch-failed.png');
  });
});

describe('the rate limit', { timeout: 120_000 }, () => {
  it("states the deployment's lowest rate on the first step and refuses a lower one there", async () => {
    await console_.openWizard();
    // Before any input, the reason beside Next is a hint, not an error in red.
    await expect.poll(text(console_.nextReason)).toBe('Choose an operation');
    expect(await cssOf(console_.nextReason, 'color')).not.toBe('rgb(218, 30, 40)');
    await console_.chooseOperation('Cancel process instances');
    const rate = page.getByLabel('Rate limit in items per second (optional)');
    await expect
      .poll(text(page.locator('.cds--form__helper-text').filter({ hasText: 'Spreads the work' })))
      .toContain('At least 3 on this deployment');
    await rate.fill('2');
    await expect
      .poll(text(console_.nextReason))
      .toBe('The rate must be at least 3 items/s on this deployment');
    expect(await console_.nextButton.isDisabled()).toBe(true);
    await rate.fill('3');
    await expect.poll(() => console_.nextButton.isEnabled()).toBe(true);
  });

  it('keeps every input after a refused creation, to correct and send again', async () => {
    const { processDefinitionId } = await seed(5);
    // The creation answers as the API does when the deployment's settings changed after the wizard
    // read them (a redeploy with more shards): no single runtime refuses a rate its dry run accepted.
    await page.route('**/v2/process-instances/cancellation', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'INVALID_ARGUMENT',
          status: 400,
          detail: 'itemsPerSecond must be at least 5: the rate is shared by 4 shards',
        }),
      }),
    );
    await console_.openWizard();
    await console_.chooseOperation('Cancel process instances');
    await page.getByLabel('Cancellation reason (optional)').fill('release 2.1');
    await page.getByLabel('Rate limit in items per second (optional)').fill('3');
    await console_.nextButton.click();
    await page.getByLabel('Process definition id').fill(processDefinitionId);
    await expect.poll(text(console_.matchCount), { timeout: DEADLINE }).toBe('5 matching instances');
    await console_.nextButton.click();
    await page.getByRole('button', { name: /^Create the batch/ }).click();
    await expect
      .poll(text(page.getByRole('alert').filter({ hasText: 'not created' })), { timeout: DEADLINE })
      .toContain('itemsPerSecond must be at least 5');
    // The browser logs the refused request it was made to receive; nothing else may be logged.
    errors.splice(0, errors.length, ...errors.filter((error) => !error.includes('status of 400')));

    await page.getByRole('button', { name: 'Change the inputs' }).click();
    expect(await page.getByLabel('Operation', { exact: true }).inputValue()).toBe('CANCEL_PROCESS_INSTANCE');
    expect(await page.getByLabel('Cancellation reason (optional)').inputValue()).toBe('release 2.1');
    expect(await page.getByLabel('Rate limit in items per second (optional)').inputValue()).toBe('3');
    await console_.nextButton.click();
    expect(await page.getByLabel('Process definition id').inputValue()).toBe(processDefinitionId);
  });
});
