import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/**
 * Where a test file's screenshots go: taken on every run, kept in docs/images (the documentation's)
 * only with UPDATE_SCREENSHOTS=1, otherwise in a temporary folder that `discard` removes.
 */
export function screenshotFolder() {
  const keep = Boolean(process.env.UPDATE_SCREENSHOTS);
  const folder = keep
    ? resolve(import.meta.dirname, '../../../docs/images')
    : mkdtempSync(join(tmpdir(), 'console-screenshots-'));
  mkdirSync(folder, { recursive: true });
  return {
    /** The whole page, from its top (scrolled, Carbon's fixed header would land mid-page). */
    take: async (page: Page, name: string) => {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: resolve(folder, name), fullPage: true });
    },
    discard: () => {
      if (!keep) rmSync(folder, { recursive: true, force: true });
    },
  };
}
