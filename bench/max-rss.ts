import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/**
 * Preload for bench/peak-memory.ts: `node --import dist/bench/max-rss.js …` with
 * HEADROOM_MAX_RSS_FILE set writes, when the process exits, its peak resident set size
 * (getrusage ru_maxrss via process.resourceUsage(), KiB) to that file. Worker threads share the
 * process, so the figure covers the main thread and every worker; the workers inherit the
 * preload (execArgv) and skip it here.
 */
const file = process.env.HEADROOM_MAX_RSS_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    writeFileSync(file, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
  });
}
