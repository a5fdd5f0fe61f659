import { Presets, SingleBar } from 'cli-progress';
import { type CliIo, wantsLiveProgress } from './io.ts';
import type { SeedProgress } from './seed.ts';

/** Lines in plain mode: one per this share of the work, so 10,000 instances print a dozen lines. */
const PLAIN_STEP = 0.1;

/** The seed's progress: a bar on a terminal, else a line per phase and per tenth of the work (stderr). */
export function showSeedProgress(
  io: CliIo,
  json: boolean,
): { update: (progress: SeedProgress) => void; stop: () => void } {
  if (wantsLiveProgress(io, json)) {
    const bar = new SingleBar(
      {
        stream: io.stderr,
        format: ' seeding {bar} {percentage}% | {value}/{total} steps | {phase} | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update: ({ phase, done, total }) => {
        if (!started) {
          bar.start(total, done, { phase });
          started = true;
        } else bar.update(done, { phase });
      },
      stop: () => bar.stop(),
    };
  }
  let lastPhase = '';
  let nextMark = 0;
  return {
    update: ({ phase, done, total }) => {
      if (phase !== lastPhase || done >= nextMark || done === total) {
        lastPhase = phase;
        nextMark = done + Math.max(1, Math.ceil(total * PLAIN_STEP));
        io.stderr.write(
          `seeding  ${phase}  ${done}/${total} steps (${total > 0 ? Math.floor((done / total) * 100) : 100}%)\n`,
        );
      }
    },
    stop: () => {},
  };
}
