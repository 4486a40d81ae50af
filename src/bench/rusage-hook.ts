import { writeFileSync } from 'fs';

/**
 * Preloaded (`node -r`) into the processes the benchmark measures: on exit, writes the process's peak resident
 * set size and CPU time (user + system) to $KFAAS_RUSAGE_FILE. Keeps measurement code out of the CLI itself.
 */
const target = process.env.KFAAS_RUSAGE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime }));
  });
}
