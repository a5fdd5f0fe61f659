import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { launchChromium, seriousAccessibilityViolations } from './helpers/browser.ts';
import { type ConsolePage, openSignedInConsole } from './helpers/console-page.ts';
import { screenshotFolder } from './helpers/screenshots.ts';
import { instanceSeeder } from './helpers/seed-instances.ts';

/**
 * The web console in Debian's Chromium against the embedded runtime: the wizard creates a batch and
 * the view follows it to its end; suspend, resume, failures by cause and the retry of failed items.
 * Screenshots for the documentation are taken on the way (docs/images).
 */
const screenshots = screenshotFolder();
const DEADLINE = 60_000;

let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;
let console_: ConsolePage;

beforeAll(async () => {
  // One after the other: the emulators' start-up is the slow part on a busy machine.
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '10' },
    pollIntervalMs: 100,
  });
  browser = await launchChromium();
  api = apiClient(runtime.url);
});
afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  screenshots.discard();
});
beforeEach(async () => {
  ({ page, console: console_, close: closePage } = await openSignedInConsole(browser, runtime.url));
});
afterEach(() => closePage());

const seed = instanceSeeder('console', 70_000);

const text = (selector: ReturnType<Page['locator']>) => () => selector.textContent();

describe('the wizard', { timeout: 120_000 }, () => {
  it('keeps Next disabled, with the reason beside it, until the operation and the filter are complete', async () => {
    await console_.openWizard();
    await expect.poll(() => console_.nextButton.isDisabled()).toBe(true);
    await expect.poll(text(console_.nextReason)).toBe('Choose an operation');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await console_.chooseOperation('Set job retries');
    await expect.poll(text(console_.nextReason)).toBe('Retries is required');
    await page.getByLabel('Retries', { exact: true }).fill('0');
    await expect.poll(text(console_.nextReason)).toBe('Retries must be at least 1');
    await page.getByLabel('Retries', { exact: true }).fill('3');
    await expect.poll(() => console_.nextButton.isEnabled()).toBe(true);

    await console_.nextButton.click();
    await expect.poll(text(console_.nextReason)).toContain('Narrow the instances down');
    expect(await console_.nextButton.isDisabled()).toBe(true);
    await page.getByLabel('Process definition id').fill('no-such-process');
    await expect
      .poll(text(console_.nextReason), { timeout: DEADLINE })
      .toBe('No instance matches this filter');
    expect(await console_.nextButton.isDisabled()).toBe(true);
  });

  it('creates a cancellation batch over the previewed instances and follows it to 100% and COMPLETED', async () => {
    const { processDefinitionId, instances } = await seed(24);
    await console_.openWizard();
    await console_.chooseOperation('Cancel process instances');
    await page.getByLabel('Cancellation reason (optional)').fill('faulty release 1.4');
    await console_.nextButton.click();

    await page.getByLabel('Process definition id').fill(processDefinitionId);
    await expect.poll(text(console_.matchCount), { timeout: DEADLINE }).toBe('24 matching instances');
    await console_.nextButton.click();

    await expect
      .poll(text(page.getByTestId('confirm-count')), { timeout: DEADLINE })
      .toBe('24 instances will be processed.');
    await page.getByText('Shard 0:').waitFor();
    // By keyboard, as an operator without a mouse would.
    await page.getByRole('switch', { name: 'The exact REST call' }).press('Enter');
    const call = page.getByRole('region', { name: 'REST call' });
    await expect.poll(text(call)).toContain('POST /v2/process-instances/cancellation');
    const shown = (await call.locator('pre').first().textContent()) ?? '';
    expect(JSON.parse(shown.slice(shown.indexOf('{')))).toEqual({
      filter: { processDefinitionId, state: 'ACTIVE' },
      reason: 'faulty release 1.4',
    });
    await screenshots.take(page, 'console-wizard-confirm.png');

    await page.getByRole('button', { name: 'Create the batch for 24 instances' }).click();
    const link = page.getByRole('link', { name: /^Open batch \d+$/ });
    await link.waitFor({ timeout: DEADLINE });
    const batchOperationKey = ((await link.textContent()) ?? '').replace('Open batch ', '');
    await expect
      .poll(text(page.getByRole('status').filter({ hasText: 'previewed' })), { timeout: DEADLINE })
      .toContain('The batch holds exactly the 24 previewed instances.');

    await link.click();
    await console_.batchState('COMPLETED').waitFor({ timeout: DEADLINE });
    await expect.poll(text(page.getByTestId('batch-counts'))).toBe('24 total, 24 completed, 0 failed');
    await expect.poll(() => page.getByRole('progressbar').first().getAttribute('aria-valuenow')).toBe('100');
    await page.getByRole('table', { name: 'Items of the batch' }).waitFor();
    await screenshots.take(page, 'console-batch-details.png');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const canceled = await api.get(`/v2/process-instances/${instances[0].processInstanceKey}`);
    expect(canceled.body.cancellation).toMatchObject({ batchOperationKey, reason: 'faulty release 1.4' });
  });
  it('shows the diagram with the active instances per element and picks the move on it', async () => {
    const deployed = await api.deploy(['e2e-order.bpmn']);
    const { processDefinitionKey } = deployed.body.deployments[0].processDefinition;
    for (let n = 0; n < 3; n++)
      expect((await api.post('/v2/process-instances', { processDefinitionKey })).status).toBe(200);
    // The service does not serve a definition's BPMN yet: the browser gets it as Camunda's
    // GET /v2/process-definitions/{key}/xml would answer (the fixture has no diagram layout either).
    const xml = readFileSync(resolve(import.meta.dirname, '../fixtures/e2e-order.bpmn'), 'utf8');
    await page.route(`**/v2/process-definitions/${processDefinitionKey}/xml`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/xml', body: xml }),
    );

    await console_.openWizard();
    await console_.chooseOperation('Modify process instances (move tokens)');
    await expect.poll(text(console_.nextReason)).toBe('Choose the process definition whose tokens move');
    const statistics = page.waitForResponse(
      (response) =>
        response
          .url()
          .endsWith(`/v2/process-definitions/${processDefinitionKey}/statistics/element-instances`) &&
        response.status() === 200,
    );
    await page.getByLabel('Process definition', { exact: true }).selectOption(processDefinitionKey);
    const diagram = page.getByRole('region', { name: /^Diagram of the process definition/ });
    const badge = diagram.locator('.diagram-count[data-element-id="check-stock"]');
    await expect.poll(text(badge), { timeout: DEADLINE }).toBe('3');
    // The counts are Camunda's element statistics of the definition.
    expect((await (await statistics).json()).items).toEqual([
      { elementId: 'check-stock', active: 3, canceled: 0, incidents: 0, completed: 0 },
    ]);
    // Laid out automatically (the fixture has no diagram information), with an arrow along every flow.
    const arrows = diagram.locator('g.djs-connection');
    await expect.poll(() => arrows.count(), { timeout: DEADLINE }).toBe(3);
    expect(
      await arrows.evaluateAll((found) => found.map((arrow) => arrow.getAttribute('data-element-id'))),
    ).toEqual(['f1', 'f2', 'f3']);

    await diagram.locator('g.djs-element[data-element-id="check-stock"]').click();
    await diagram.locator('g.djs-element[data-element-id="ship"]').click();
    await expect.poll(() => page.getByLabel('Source element 1').inputValue()).toBe('check-stock');
    await expect.poll(() => page.getByLabel('Target element 1').inputValue()).toBe('ship');
    await screenshots.take(page, 'console-wizard-diagram.png');

    await console_.nextButton.click();
    await expect.poll(() => page.getByLabel('Process definition id').inputValue()).toBe('e2e-order');
    await expect.poll(text(console_.matchCount), { timeout: DEADLINE }).toMatch(/^\d+ matching instances?$/);
  });
});

describe('the batch view', { timeout: 120_000 }, () => {
  it('suspends and resumes a running batch, and shows its new state after each', async () => {
    const { processDefinitionId } = await seed(40);
    // 2 items/s: about 20 s of work, long enough to act on it while it runs.
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 2,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey as string;
    await console_.openBatch(key);
    await console_.batchState('ACTIVE').waitFor({ timeout: DEADLINE });

    await console_.act('Suspend', 'Suspend');
    await console_.batchState('SUSPENDED').waitFor({ timeout: DEADLINE });
    await page.getByRole('status').filter({ hasText: 'suspend accepted' }).waitFor();
    expect((await api.get(`/v2/batch-operations/${key}`)).body.state).toBe('SUSPENDED');

    await console_.act('Resume', 'Resume');
    await console_.batchState('ACTIVE').waitFor({ timeout: DEADLINE });
    await page.getByRole('status').filter({ hasText: 'resume accepted' }).waitFor();

    // Live: the counts move without a reload while it runs (then it is canceled to end it).
    await expect
      .poll(
        async () =>
          Number((await page.getByTestId('batch-counts').textContent())?.match(/(\d+) completed/)?.[1]),
        {
          timeout: DEADLINE,
        },
      )
      .toBeGreaterThan(0);
    await screenshots.take(page, 'console-batch-running.png');
    await console_.act('Cancel batch', 'Cancel the batch');
    await console_.batchState('CANCELED').waitFor({ timeout: DEADLINE });
  });

  it('shows a scheduled batch with its windows and priority, changes it live and starts it now', async () => {
    const { processDefinitionId } = await seed(6);
    const startAt = new Date(Date.now() + 3_600_000).toISOString();
    const windows = [{ days: ['SAT', 'SUN'], from: '22:00', to: '05:00', timeZone: 'Europe/Berlin' }];
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      startAt,
      windows,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey as string;
    await console_.openBatch(key);
    const controls = page.getByRole('region', { name: 'Schedule, windows and live controls' });
    await expect.poll(text(page.getByTestId('batch-windows'))).toBe('SAT,SUN 22:00–05:00 Europe/Berlin');
    expect(await page.getByTestId('batch-priority').textContent()).toBe('10');
    expect(await page.getByTestId('batch-scheduled-for').textContent()).not.toContain('not scheduled');

    await controls.getByLabel('Priority (1–100)').fill('40');
    await controls.getByRole('button', { name: 'Apply without suspending' }).click();
    await controls.getByRole('status').filter({ hasText: 'Applied' }).waitFor();
    await expect.poll(text(page.getByTestId('batch-priority'))).toBe('40');
    expect((await api.get(`/v2/batch-operations/${key}`)).body.priority).toBe(40);

    await controls.getByRole('button', { name: 'Start now' }).click();
    await expect
      .poll(async () => (await api.get(`/v2/batch-operations/${key}`)).body.scheduledFor)
      .toBeNull();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it("shows a failed item's message, its group with the count, and retries the failed items", async () => {
    // 3 of 8 instances already finished: canceling them fails.
    const { processDefinitionId, instances } = await seed(8, 3);
    const created = await api.post('/v2/process-instances/cancellation', { filter: { processDefinitionId } });
    const key = created.body.batchOperationKey as string;
    await api.finalBatch(key);

    await console_.openBatch(key);
    await console_.batchState('COMPLETED').waitFor({ timeout: DEADLINE });
    const groups = page.getByRole('table', { name: 'Failed items grouped by error message' });
    const group = groups
      .getByRole('row')
      .filter({ hasText: 'only ACTIVE and SUSPENDED instances can be canceled' });
    await expect.poll(() => group.getByRole('cell').nth(1).textContent()).toBe('3');

    await page.getByLabel('Item state').selectOption('FAILED');
    const items = page.getByRole('table', { name: 'Items of the batch' });
    await expect.poll(() => items.getByRole('row').count(), { timeout: DEADLINE }).toBe(4); // header + 3
    const failedKey = instances[0].processInstanceKey;
    const row = items.getByRole('row').filter({ hasText: failedKey });
    await expect
      .poll(text(row))
      .toContain(`Expected to cancel process instance with key '${failedKey}', but it is COMPLETED`);

    await console_.act('Retry failed items', 'Create the retry batch');
    const retryLink = page.getByRole('link', { name: /^Open retry batch \d+$/ });
    await retryLink.waitFor({ timeout: DEADLINE });
    const retryKey = ((await retryLink.textContent()) ?? '').replace('Open retry batch ', '');
    expect(retryKey).not.toBe(key);
    await retryLink.click();
    await page.getByRole('heading', { name: `Batch ${retryKey}` }).waitFor();
    await console_.batchState('COMPLETED').waitFor({ timeout: DEADLINE });
    await expect.poll(text(page.getByTestId('batch-counts'))).toBe('3 total, 0 completed, 3 failed');
  });

  it('opens the batch of a deep link typed by hand, without the hash', async () => {
    const { processDefinitionId } = await seed(2);
    const created = await api.post('/v2/process-instances/cancellation', { filter: { processDefinitionId } });
    const key = created.body.batchOperationKey as string;

    await page.goto(`${runtime.url}/batches/${key}`);

    await page.getByRole('heading', { name: `Batch ${key}` }).waitFor({ timeout: DEADLINE });
    expect(new URL(page.url()).hash).toBe(`#/batches/${key}`);
  });

  it('lists running batches before finished ones, each with its progress', async () => {
    const { processDefinitionId } = await seed(4);
    const created = await api.post('/v2/process-instances/cancellation', { filter: { processDefinitionId } });
    await api.finalBatch(created.body.batchOperationKey);
    await page.goto(`${runtime.url}/#/batches`);
    const finished = page.getByRole('table', { name: 'Finished batches' });
    const row = finished.locator(`tr[data-batch-key="${created.body.batchOperationKey}"]`);
    await row.waitFor({ timeout: DEADLINE });
    await expect.poll(text(row)).toContain('Completed');
    await screenshots.take(page, 'console-batch-list.png');
  });
});
