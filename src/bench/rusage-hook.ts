import { writeFileSync } from 'fs';

/**
 * Preloaded (`node -r`) into the processes the benchmark measures: on exit, writes the process's peak resident
 * set size to $KFAAS_RUSAGE_FILE. Keeps measurement code out of the CLI itself.
 */
const target = process.env.KFAAS_RUSAGE_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }));
  });
}
