import type { StudyDefinition } from './study.js';
import { evacuationStudy } from './evacuation.js';
import { evacuationSizing } from './evacuation-sizing.js';
import { bootStudy } from './boot.js';
import { watchdogStudy } from './watchdog.js';
import { snapshotsStudy } from './snapshots.js';
import { rbdStudy } from './rbd.js';
import { queueStudy } from './queue.js';

/**
 * Every study headroom knows, in the order reports present them. A study registers itself by
 * adding one import and one entry here.
 */
export const studies: StudyDefinition[] = [
  // The sizing hooks use `headroom check`, which uses the study: joined here, where neither imports the other.
  { ...evacuationStudy, sizing: evacuationSizing },
  bootStudy,
  watchdogStudy,
  snapshotsStudy,
  rbdStudy,
  queueStudy,
];

export function findStudy(name: string): StudyDefinition | undefined {
  return studies.find((s) => s.name === name);
}
