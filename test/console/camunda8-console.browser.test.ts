import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Camunda8Target, seedInstances } from '../helpers/camunda8-target.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { launchChromium } from './helpers/browser.ts';
import { type ConsolePage, openSignedInConsole } from './helpers/console-page.ts';

/**
 * The web console of a service that drives a Camunda 8 cluster (ENGINE=camunda8; a second embedded
 * runtime is the cluster): the wizard's definitions, diagram, live count and batch all come from the
 * cluster through the engine's ports.
 */
const DEADLINE = 60_000;

let target: Camunda8Target;
let runtime: EmbeddedRuntime;
let browser: Browser;
let page: Page;
let closePage: () => Promise<void>;
let console_: ConsolePage;
let instances: string[];

beforeAll(async () => {
  target = await Camunda8Target.start();
  instances = await seedInstances(target.seeder(), 'c8-console', 6);
  runtime = await startRuntime({
    port: 0,
    config: { ENGINE: 'camunda8', ...target.basicEnvironment() },
    pollIntervalMs: 100,
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
  await target?.dispose();
});
beforeEach(async () => {
  ({ page, console: console_, close: closePage } = await openSignedInConsole(browser, runtime.url));
});
afterEach(() => closePage());

const text = (selector: ReturnType<Page['locator']>) => () => selector.textContent();

describe('the wizard on a Camunda 8 cluster', { timeout: 180_000 }, () => {
  it("picks a definition of the cluster and shows its diagram with the cluster's counts", async () => {
    await console_.openWizard();
    await console_.chooseOperation('Modify process instances (move tokens)');
    const picker = page.getByLabel('Process definition', { exact: true });
    const option = picker.locator('option', { hasText: 'c8-console' });
    await option.waitFor({ state: 'attached', timeout: DEADLINE });
    await picker.selectOption((await option.getAttribute('value')) ?? '');

    const diagram = page.getByRole('region', { name: /^Diagram of the process definition/ });
    const badge = diagram.locator('.diagram-count[data-element-id="charge-card"]');
    await expect.poll(text(badge), { timeout: DEADLINE }).toBe('6');
  });

  it("creates a cancellation batch over the cluster's instances with the live count, and follows it to COMPLETED", async () => {
    await console_.openWizard();
    await console_.chooseOperation('Cancel process instances');
    await console_.nextButton.click();
    await page.getByLabel('Process definition id').fill('c8-console');
    await expect.poll(text(console_.matchCount), { timeout: DEADLINE }).toBe('6 matching instances');
    await console_.nextButton.click();

    await page.getByRole('button', { name: 'Create the batch for 6 instances' }).click();
    const link = page.getByRole('link', { name: /^Open batch \d+$/ });
    await link.waitFor({ timeout: DEADLINE });
    await link.click();
    await console_.batchState('COMPLETED').waitFor({ timeout: DEADLINE });
    await expect.poll(text(page.getByTestId('batch-counts'))).toBe('6 total, 6 completed, 0 failed');
    const states = await Promise.all(
      instances.map(async (key) => {
        const response = await fetch(`${target.url}/v2/process-instances/${key}`, {
          headers: { authorization: `Basic ${Buffer.from('demo:demo').toString('base64')}` },
        });
        return ((await response.json()) as { state: string }).state;
      }),
    );
    expect(states).toEqual(instances.map(() => 'TERMINATED'));
  });
});
