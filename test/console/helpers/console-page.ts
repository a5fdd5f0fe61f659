import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openPage } from './browser.ts';

/**
 * The console as an operator uses it: locators by role and label, and intent methods (sign in,
 * choose an operation, …) so that the tests read as the steps they check.
 */
export class ConsolePage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  async signIn(username = 'demo', password = 'demo') {
    await this.page.goto(`${this.baseUrl}/`);
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('heading', { name: 'Batch operations', level: 1 }).waitFor();
  }

  async openWizard() {
    await this.page.goto(`${this.baseUrl}/#/new`);
    await this.page.getByRole('heading', { name: 'New batch operation' }).waitFor();
  }

  async openBatch(batchOperationKey: string) {
    await this.page.goto(`${this.baseUrl}/#/batches/${batchOperationKey}`);
    await this.page.getByRole('heading', { name: `Batch ${batchOperationKey}` }).waitFor();
  }

  get nextButton(): Locator {
    return this.page.getByRole('button', { name: 'Next', exact: true });
  }

  get nextReason(): Locator {
    return this.page.locator('#next-reason');
  }

  async chooseOperation(label: string) {
    await this.page.getByLabel('Operation', { exact: true }).selectOption({ label });
  }

  get matchCount(): Locator {
    return this.page.getByTestId('match-count');
  }

  /** The batch's state tag (role status, named after the state). */
  batchState(state: string): Locator {
    return this.page.getByLabel('Batch facts').getByRole('status', { name: `State: ${state}` });
  }

  /** Clicks an action button, then the confirmation dialog's primary button. */
  async act(button: string, confirm: string) {
    await this.page.getByRole('button', { name: button, exact: true }).click();
    const dialog = this.page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: confirm, exact: true }).click();
  }
}

/**
 * A fresh page signed in to the console at `url`; its `close` fails the test on any console error or
 * uncaught exception the page recorded (a test may first drop the errors it provoked from `errors`).
 */
export async function openSignedInConsole(browser: Browser, url: string) {
  const { page, errors, close } = await openPage(browser);
  const console = new ConsolePage(page, url);
  await console.signIn();
  return {
    page,
    errors,
    console,
    close: async () => {
      await close();
      expect(errors, 'no console error in the browser').toEqual([]);
    },
  };
}
