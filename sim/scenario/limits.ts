import { totalmem } from 'node:os';
import type { Cloud } from '../openstack/cloud.js';
import { estimatedInstances } from '../openstack/nova/hosts.js';
import type { StudyInput } from '../studies/study.js';
import type { Distribution } from '../random/distributions.js';
import { unitKindOf } from '../random/spec.js';

/**
 * Memory of one variant's model, estimated from the input before anything is built: the objects
 * that grow with a scenario — hosts, instances, queue servers, boots of a storm, RBD disks — at
 * bytes per object measured on the bundled scenarios (evacuation-1000-hosts: about 16 MiB of heap
 * for 1,000 hosts and 41,000 instances; rbd-2000-disks; boot) and rounded up about fourfold. An
 * instance is a row of typed arrays (the state, its fixed-layout copy, the model's buffers):
 * evacuation-100000-hosts peaks at 783 MiB of RSS for 4.1 million instances and 100,000 hosts,
 * under 200 bytes an instance all in, so 256 (1,024 refused that scenario on a 4 GiB worker heap).
 * The loader refuses a variant beyond the memory limit before a study's own checks build
 * anything (docs/failure-behaviour.md).
 */
const BYTES = { host: 4096, instance: 256, guest: 1024, server: 64, boot: 4096, disk: 16384 } as const;

export function modelOf(input: StudyInput<unknown>): { bytes: number; what: string } {
  const cloud = input.cloud as Cloud | undefined;
  const config = input.config as Record<string, unknown>;
  const parts: string[] = [];
  let bytes = 0;
  if (cloud?.racks) {
    const hosts = cloud.racks.reduce((s, r) => s + (typeof r.hosts === 'number' ? r.hosts : r.hosts.length), 0);
    const instances = estimatedInstances(cloud);
    bytes += hosts * BYTES.host + instances * BYTES.instance;
    parts.push(`${hosts} hosts`, `≈ ${Math.round(instances)} instances`);
  }
  const guests = num(config.guests);
  if (guests > 0) { bytes += guests * BYTES.guest; parts.push(`${guests} guests`); }
  const servers = num(config.servers);
  if (servers > 0) { bytes += servers * BYTES.server; parts.push(`${servers} servers`); }
  const storm = num((config.storm as Record<string, unknown> | undefined)?.size);
  if (storm > 0) { bytes += storm * BYTES.boot; parts.push(`a storm of ${storm} boots`); }
  const disks = config.disks as Record<string, unknown> | undefined;
  if (disks) {
    const n = num(disks.initial) + num(disks.arrivals) * input.horizon;
    bytes += n * BYTES.disk;
    parts.push(`≈ ${Math.round(n)} disks`);
  }
  return { bytes, what: parts.join(', ') };
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Memory headroom may use: `--max-memory`, else 80 % of the machine's (or the cgroup's) memory. */
export function memoryLimit(maxMemory?: number): number {
  if (maxMemory !== undefined) return maxMemory;
  // Read once: the cgroup lookup behind constrainedMemory costs milliseconds, and the loader asks per variant.
  if (machineLimit === undefined) {
    const c = process.constrainedMemory?.() ?? 0;
    const total = c > 0 && c < totalmem() ? c : totalmem();
    machineLimit = Math.floor(total * 0.8);
  }
  return machineLimit;
}
let machineLimit: number | undefined;

export function gib(bytes: number): string {
  const g = bytes / 2 ** 30;
  if (g >= 1e6) return `${g.toExponential(2)} GiB`;
  return g >= 10 ? `${Math.round(g)} GiB` : g >= 0.01 ? `${g.toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}


/**
 * Events one replication may fire, at most: a duration distribution with mean m drives up to
 * horizon / m events for each object of the study's own population (guests, queue servers, boots
 * of a storm). Coarse on purpose: it catches the nonsense (a time to hang of 1 ns over a year:
 * 10^18 events, a replication that never ends), not the cost of a sane scenario.
 */
export function eventsOf(input: StudyInput<unknown>): { events: number; what: string } {
  let perObject = 0;
  let what = '';
  const walk = (v: unknown, path: string) => {
    if (v === null || typeof v !== 'object') return;
    if (typeof (v as Distribution).sample === 'function') {
      const d = v as Distribution;
      if (unitKindOf(d) !== 'duration' || !(d.mean > 0)) return;
      const n = input.horizon / d.mean;
      if (n > perObject) what = `${path} (mean ${d.mean} s over a horizon of ${input.horizon} s)`;
      perObject += n;
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
  };
  walk(input.config, '');
  const config = input.config as Record<string, unknown>;
  // The study's own populations only: the cloud's hosts do not each run every process of every study.
  const objects = Math.max(1, num(config.guests), num(config.servers), num((config.storm as Record<string, unknown> | undefined)?.size));
  // A queue runs until its jobs are counted, whatever the horizon: two events per job.
  const jobs = 2 * (num(config.jobs) + num(config.warmup_jobs));
  if (jobs > perObject * objects) return { events: jobs, what: `jobs (${num(config.jobs)} counted + ${num(config.warmup_jobs)} warm-up)` };
  return { events: perObject * objects, what };
}

/** Events per replication beyond which a run would not end in any useful time (10^10: hours at millions of events per second). */
export const MAX_EVENTS = 1e10;
