import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { apiClient, eventually, inParallel } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { BATCHOPS } from './run-batchops.ts';

/**
 * `batchops` on a real terminal: the command runs in a tmux pane (a pseudo-terminal), keys are typed
 * into it, and the pane's text shows what a person sees.
 */
const TMUX_SOCKET = `batchops-test-${process.pid}`;
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let orderKey: string;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', TMUX_SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** Runs `batchops <args>` in a new tmux session of the given width; the pane stays open after it exits. */
function runInTerminal(session: string, columns: number, args: string[], rows = 15): void {
  const command = [
    'env',
    '-i',
    `PATH=${process.env.PATH}`,
    `BATCHOPS_URL=${runtime.url}`,
    'TERM=xterm-256color',
    process.execPath,
    BATCHOPS,
    ...args,
  ]
    .map(shellQuote)
    .join(' ');
  // After the CLI: its exit code on the pane, then wait for input so the pane (and its text) stays.
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    String(columns),
    '-y',
    String(rows),
    `${command}; echo "[exit $?]"; read _`,
  );
}

/** The pane's text once it shows `text`. */
function screenShowing(session: string, text: string): Promise<string> {
  let screen = '';
  return eventually(
    // biome-ignore lint/suspicious/useAwait: eventually takes a probe returning a promise
    async () => {
      screen = tmux('capture-pane', '-p', '-t', session);
      return screen.includes(text) ? screen : undefined;
    },
    () => `the pane does not show ${JSON.stringify(text)}:\n${screen}`,
    60_000,
  );
}

/**
 * The pane's text once the command printed its exit code, and the bar's percentage on every capture
 * before (as many as the polls happened to see: the bar is redrawn in place, so only the last shows).
 */
async function finalScreen(session: string): Promise<{ screen: string; percentages: number[] }> {
  let screen = '';
  const percentages: number[] = [];
  await eventually(
    // biome-ignore lint/suspicious/useAwait: eventually takes a probe returning a promise
    async () => {
      screen = tmux('capture-pane', '-p', '-t', session);
      const percentage = /[█░]+ (\d+)% \|/.exec(screen)?.[1];
      if (percentage !== undefined) percentages.push(Number(percentage));
      return /\[exit \d+\]/.test(screen) ? screen : undefined;
    },
    () => `the pane still shows:\n${screen}`,
    90_000,
  );
  return { screen, percentages };
}

async function runningBatch(wave: string, count: number): Promise<string> {
  await inParallel(count, 8, async (index) => {
    const { status } = await api.post('/v2/process-instances', {
      processDefinitionKey: orderKey,
      variables: { wave, index },
    });
    expect(status).toBe(200);
  });
  const created = await api.post('/v2/process-instances/cancellation', {
    filter: { variables: [{ name: 'wave', value: JSON.stringify(wave) }] },
    itemsPerSecond: 20,
  });
  expect(created.status).toBe(200);
  return created.body.batchOperationKey;
}

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '10' },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
  const order = await api.deploy(['e2e-order.bpmn']);
  expect(order.status).toBe(200);
  orderKey = order.body.deployments[0].processDefinition.processDefinitionKey;
});
afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no session was started
  }
  await runtime?.stop();
});

describe('batchops watch on a terminal', () => {
  it('draws a progress bar with rate, ETA and counts that ends at 100% with the summary', async () => {
    const key = await runningBatch('bar', 40);

    runInTerminal('wide', 130, ['watch', key, '--interval', '200']);
    const { screen, percentages } = await finalScreen('wide');

    expect(screen).toContain('[exit 0]');
    const bar = screen.split('\n').find((line) => line.includes(`batch ${key}`));
    expect(bar, screen).toMatch(
      new RegExp(
        `^ batch ${key} █{10,40} 100% \\| 40/40 \\| [\\d.]+ items/s \\| ETA 0s \\| completed 40 failed 0 \\| COMPLETED$`,
      ),
    );
    expect(screen).toContain(`Batch ${key} COMPLETED: 40 items, 40 completed, 0 failed`);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(percentages.at(-1)).toBe(100);
  });

  it('fits the bar to a narrow terminal', async () => {
    const key = await runningBatch('narrow', 20);

    runInTerminal('narrow', 80, ['watch', key, '--interval', '200']);
    const { screen, percentages } = await finalScreen('narrow');

    expect(screen).toContain('[exit 0]');
    const bar = screen.split('\n').find((line) => line.includes('100%'));
    expect(bar, screen).toMatch(
      /^ █{10,40} 100% \| 20\/20 \| [\d.-]+\/s \| ETA 0s \| ok 20 failed 0 \| COMPLETED$/,
    );
    expect(bar?.length).toBeLessThan(80);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(percentages.at(-1)).toBe(100);
  });

  it('shows the errors below the bar on a wide terminal and exits 1 when the batch ends FAILED', async () => {
    // Deleting running instances fails every item; the failure threshold then ends the batch FAILED.
    await inParallel(4, 4, async (index) => {
      const { status } = await api.post('/v2/process-instances', {
        processDefinitionKey: orderKey,
        variables: { wave: 'failing', index },
      });
      expect(status).toBe(200);
    });
    const created = await api.post('/v2/process-instances/deletion', {
      filter: { variables: [{ name: 'wave', value: '"failing"' }] },
      failureThreshold: { percentage: 10, minProcessedItems: 1 },
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey;

    // Tall enough for the batch bar, one bar per shard, the errors line and the summary.
    runInTerminal('failing', 130, ['watch', key, '--interval', '200'], 30);
    const { screen } = await finalScreen('failing');

    expect(screen).toContain('[exit 1]');
    expect(screen).toMatch(new RegExp(`^ batch ${key} [█░]+ \\d+% .*\\| FAILED$`, 'm'));
    expect(screen).toMatch(/^ {3}errors: batch UNKNOWN: .+/m);
    expect(screen).toContain(`Batch ${key} FAILED`);
  });
});

describe('batchops watch interrupted', () => {
  it('stops watching on Ctrl-C with exit 130 and leaves the batch running', async () => {
    // 2 items/s over 40 items: the batch runs for about 20 s, long past the keystroke.
    await inParallel(40, 8, async (index) => {
      const { status } = await api.post('/v2/process-instances', {
        processDefinitionKey: orderKey,
        variables: { wave: 'interrupt', index },
      });
      expect(status).toBe(200);
    });
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { variables: [{ name: 'wave', value: '"interrupt"' }] },
      itemsPerSecond: 2,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey;

    runInTerminal('interrupt', 130, ['watch', key, '--interval', '200']);
    await screenShowing('interrupt', `batch ${key} `);
    tmux('send-keys', '-t', 'interrupt', 'C-c');
    const { screen } = await finalScreen('interrupt');

    expect(screen).toContain('[exit 130]');
    expect(screen).toContain(`batchops: Stopped watching; batch ${key} keeps running`);
    const batch = await api.get(`/v2/batch-operations/${key}`);
    expect(batch.body.state).not.toBe('CANCELED');
    expect((await api.post(`/v2/batch-operations/${key}/cancellation`)).status).toBe(204);
  });
});

describe('batchops create on a terminal', () => {
  async function startWave(wave: string, count: number): Promise<void> {
    await inParallel(count, 8, async (index) => {
      const { status } = await api.post('/v2/process-instances', {
        processDefinitionKey: orderKey,
        variables: { wave, index },
      });
      expect(status).toBe(200);
    });
  }
  const activeInWave = async (wave: string) =>
    (
      await api.post('/v2/process-instances/search', {
        filter: { variables: [{ name: 'wave', value: `"${wave}"` }], state: 'ACTIVE' },
      })
    ).body.page.totalItems;

  it('asks y/N with the exact count and creates the batch on y', async () => {
    await startWave('ask-yes', 7);

    runInTerminal('ask-yes', 100, [
      'create',
      'cancel',
      '--var',
      'wave=ask-yes',
      '--watch',
      '--interval',
      '200',
    ]);
    await screenShowing(
      'ask-yes',
      'Start CANCEL_PROCESS_INSTANCE batch against 7 process instance(s)? (y/N)',
    );
    tmux('send-keys', '-t', 'ask-yes', 'y', 'Enter');
    const { screen } = await finalScreen('ask-yes');

    expect(screen).toContain('[exit 0]');
    expect(screen).toMatch(/Batch \d+ COMPLETED: 7 items, 7 completed, 0 failed/);
    expect(await activeInWave('ask-yes')).toBe(0);
  });

  it('creates nothing when the answer is the default (N) and exits 1', async () => {
    await startWave('ask-no', 3);

    runInTerminal('ask-no', 100, ['create', 'cancel', '--var', 'wave=ask-no']);
    await screenShowing('ask-no', 'Start CANCEL_PROCESS_INSTANCE batch against 3 process instance(s)? (y/N)');
    tmux('send-keys', '-t', 'ask-no', 'Enter');
    const { screen } = await finalScreen('ask-no');

    expect(screen).toContain('Aborted: nothing was created.');
    expect(screen).toContain('[exit 1]');
    expect(await activeInWave('ask-no')).toBe(3);
  });
});

describe('batchops seed on a terminal', () => {
  it('draws its progress bar to 100% and prints the summary table', async () => {
    runInTerminal('seed', 120, ['seed', '--count', '12'], 40);
    const { screen } = await finalScreen('seed');

    expect(screen).toContain('[exit 0]');
    expect(screen).toMatch(/^ seeding █+ 100% \| (\d+)\/\1 steps \| jobs/m);
    expect(screen).toMatch(/^Seeded 12 instances in [\d.]+ s: \d+ with an incident, \d+ completed\.$/m);
    expect(screen).toMatch(/^DEFINITION\s+VERSION\s+TENANT\s+KEY\s+INSTANCES$/m);
  });
});
