import { ApiClient } from './api-client.ts';
import { resolveConnection } from './connection.ts';
import { CliError } from './errors.ts';
import { processIo } from './io.ts';
import { DEFAULT_SEED_COUNT, seedDemoData } from './seed.ts';
import { showSeedProgress } from './seed-progress.ts';

/**
 * `npm start -- --seed [N]`: seeds the runtime just started at `url` through its API, as
 * `batchops seed --count N` would (N defaults to 10,000). Without `--seed` it does nothing; a failed
 * seed is reported and leaves the runtime running.
 */
export async function seedAtStart(argv: readonly string[], url: string): Promise<void> {
  const at = argv.indexOf('--seed');
  if (at < 0) return;
  const given = argv[at + 1];
  const count = given !== undefined && /^\d+$/.test(given) ? Number(given) : DEFAULT_SEED_COUNT;
  const io = processIo();
  const api = new ApiClient(resolveConnection({ url }, io.env));
  const progress = showSeedProgress(io, false);
  try {
    const summary = await seedDemoData(api, { count, onProgress: progress.update });
    progress.stop();
    console.log(
      `Seeded ${summary.instances} instances in ${(summary.durationMs / 1000).toFixed(1)} s: ` +
        `${summary.incidents} with an incident, ${summary.completedInstances} completed ` +
        `(definitions demo-order v1/v2, demo-invoice, demo-onboarding; tenants ${Object.keys(summary.tenants).join(', ')}).`,
    );
  } catch (error) {
    progress.stop();
    console.error(`Seeding failed: ${error instanceof CliError ? error.message : error}`);
  }
}
