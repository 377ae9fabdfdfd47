import { quantileSorted } from '../stats/quantile.js';
import { z } from 'zod';
import { Simulation } from '../engine/simulation.js';
import { BootModel, isCloneable } from '../openstack/images/boot-model.js';
import { wholeObjectImportWarning } from '../openstack/ceph/ceph-schema.js';
import { BootPlacement, hostCores } from '../openstack/nova/boot-placement.js';
import { distribution } from '../random/spec.js';
import { Exponential, Shares, type Distribution } from '../random/distributions.js';
import type { Cloud } from '../openstack/cloud.js';
import { totalHostCount } from '../openstack/nova/hosts.js';
import { duration, rate } from '../units/zod-units.js';
import type { MetricDef, Problem, ReplicationContext, StudyDefinition, StudyInput } from './study.js';
import { rule } from '../openstack/nova/releases.js';

/**
 * Boot study (issue 4, docs/openstack-facts.md §2, §8.3, §9): how long boots take when images come by
 * Glance HTTP streaming, by NFS direct fetch, or as Ceph RBD copy-on-write clones — alone, in a
 * storm of N boots at once (an evacuation, a scale-out) or under Poisson arrivals.
 *
 * Boots go through nova's filter scheduler onto an empty cloud (BootPlacement); a boot that
 * gets NoValidHost is counted in `no_valid_host` and has no boot time. The IoOpsWeigher sees
 * each host's builds in flight (§7): a boot counts on its host from its placement until its
 * instance is ACTIVE (the domain runs, BootModel `onActive`), so a storm spreads by count.
 *
 * Common random numbers: every boot's flavor, image, boot CPU work, clone latency, arrival time
 * and lifetime are drawn up front in boot order from their own streams, so every design of one
 * replication boots the same instances at the same times; only NFS fall-backs (one draw per NFS
 * download, stream `nfs-fallback`) and host_subset_size draws (stream `scheduler`) depend on the
 * design's own course.
 */
export const bootConfigSchema = z.object({
  storm: z.object({
    size: z.number().int().min(1).meta({ description: 'boots requested at the same instant' }),
    at: duration().prefault('0s'),
  }).strict().optional(),
  arrivals: z.object({
    rate: rate().meta({ description: 'Poisson boot requests per unit time, during the horizon' }),
    lifetime: distribution('duration').optional()
      .meta({ description: 'instance lifetime after booting (deleted instances free their `_base` image for the cache manager); default: forever' }),
  }).strict().optional(),
  hosts: z.number().int().min(1).optional()
    .meta({ description: 'boot onto the first N hosts of the racks only (default: all)' }),
}).strict().refine((c) => (c.storm === undefined) !== (c.arrivals === undefined), {
  message: 'give exactly one workload (expected either storm: {size} or arrivals: {rate})',
});

export type BootConfig = z.output<typeof bootConfigSchema>;

/** Probabilities of the boot-time CDF series. */
export const CDF_POINTS = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

const metrics = {
  boot_time_p50: { label: 'Boot time p50', unit: 's', kind: 'duration', description: 'median boot time (request to guest booted) within the replication', undefinedWhen: 'no boot completed' },
  boot_time_p95: { label: 'Boot time p95', unit: 's', kind: 'duration', description: '95th percentile of boot times within the replication', undefinedWhen: 'no boot completed' },
  boot_time_p99: { label: 'Boot time p99', unit: 's', kind: 'duration', description: '99th percentile of boot times within the replication', undefinedWhen: 'no boot completed' },
  boot_time_mean: { label: 'Mean boot time', unit: 's', kind: 'duration', description: 'mean boot time within the replication', undefinedWhen: 'no boot completed' },
  storm_completion: { label: 'Boot storm completion', unit: 's', kind: 'duration', description: 'from the first request until the last guest has booted' },
  bytes_transferred: { label: 'Bytes transferred', unit: 'B', kind: 'size', description: 'image bytes over the network: downloads, rbd imports, guest boot reads from Ceph' },
  bytes_downloaded: { label: 'Bytes downloaded', unit: 'B', kind: 'size', description: 'image bytes downloaded into compute `_base` caches' },
  cache_hit_ratio: { label: 'Image cache hit ratio', unit: 'fraction', kind: 'fraction', description: 'boots that downloaded nothing (base cached or being fetched on the host, or RBD clone)', undefinedWhen: 'no boot completed' },
  no_valid_host: { label: 'No valid host', unit: 'count', kind: 'count', description: 'boot requests the scheduler found no host for (not booted, not in the boot times)' },
  nfs_fallbacks: { label: 'NFS fallbacks', unit: 'count', kind: 'count', description: 'NFS direct fetches that failed and fell back to Glance HTTP' },
} as const satisfies Record<string, MetricDef>;


function checkBoot(input: StudyInput<BootConfig>): Problem[] {
  const { cloud, config } = input;
  const out: Problem[] = [];
  const images = cloud.images ?? [];
  if (images.length === 0) out.push({ path: ['cloud', 'images'], message: 'no images to boot (expected at least one image under cloud.images)' });
  else if (!images.some((i) => i.share > 0)) out.push({ path: ['cloud', 'images'], message: 'every image has share 0 (expected at least one image with share > 0)' });
  if (cloud.image_transfer === 'nfs-direct') {
    if (!rule('imageFileUrl', cloud.nova.release)) {
      out.push({ path: ['cloud', 'image_transfer'], message: `NFS direct fetch (image_file_url) was removed in Pike, nova.release is ${cloud.nova.release} (expected nova.release ocata or earlier, or glance-http)` });
    }
    if (cloud.glance.store !== 'nfs') {
      out.push({ path: ['cloud', 'glance', 'store'], message: `NFS direct fetch copies from glance's filesystem store on the NFS mount, but glance.store is ${cloud.glance.store} (expected nfs)` });
    }
  }
  const needsCeph = cloud.ephemeral_storage === 'rbd' || cloud.glance.store === 'rbd';
  if (needsCeph && !cloud.ceph) out.push({ path: ['cloud'], message: 'instance disks or glance images on RBD need a Ceph cluster (expected a cloud.ceph section)' });
  if (cloud.ephemeral_storage === 'rbd' && !cloud.compute_node.force_raw_images) {
    out.push({ path: ['cloud', 'compute_node', 'force_raw_images'], message: 'force_raw_images = false is not allowed with instance disks on RBD (expected true)' });
  }
  if (cloud.ephemeral_storage === 'nfs') {
    out.push({ path: ['cloud', 'ephemeral_storage'], message: 'instance disks on NFS are not modelled by the boot study (expected local or rbd)' });
  }
  const pre = cloud.image_cache_manager.precache;
  if (pre !== undefined) {
    if (novaBefore(cloud.nova.release, 'ussuri')) {
      out.push({ path: ['cloud', 'image_cache_manager', 'precache'], message: `image pre-caching (aggregate image cache, compute API 2.81) arrived in Ussuri, nova.release is ${cloud.nova.release} (expected ussuri or later, or no precache)` });
    }
    if (pre !== 'all') {
      for (const name of pre) {
        if (!images.some((i) => i.name === name)) out.push({ path: ['cloud', 'image_cache_manager', 'precache'], message: `no image named ${JSON.stringify(name)} (expected one of ${images.map((i) => i.name).join(', ')})` });
      }
    }
  }
  const util = cloud.compute_node.cpu_utilisation;
  if (typeof util === 'object') {
    for (const name of Object.keys(util)) {
      if (!cloud.flavors.some((f) => f.name === name)) out.push({ path: ['cloud', 'compute_node', 'cpu_utilisation', name], message: `no flavor named ${JSON.stringify(name)} (expected one of ${cloud.flavors.map((f) => f.name).join(', ')})` });
    }
  }
  const total = totalHostCount(cloud);
  if (config.hosts !== undefined && config.hosts > total) {
    out.push({ path: ['studies', 'boot', 'hosts'], message: `${config.hosts} hosts asked, the racks have ${total} (expected at most ${total})` });
  }
  return out;
}

/** Nova releases in order; the model's `nova.release` values are among them. */
const NOVA_RELEASES = ['kilo', 'liberty', 'mitaka', 'newton', 'ocata', 'pike', 'queens', 'rocky', 'stein', 'train',
  'ussuri', 'victoria', 'wallaby', 'xena', 'yoga', 'zed', 'antelope', 'bobcat', 'caracal', 'dalmatian', 'epoxy', 'flamingo'];

/** True when nova `release` is older than `than` (an unknown name counts as current). */
export function novaBefore(release: string, than: string): boolean {
  const r = NOVA_RELEASES.indexOf(release);
  return r >= 0 && r < NOVA_RELEASES.indexOf(than);
}

/** Busy cores a running instance of each flavor adds to its host (vcpus × cpu_utilisation). */
export function flavorBusyCores(cloud: Cloud): Float64Array {
  const u = cloud.compute_node.cpu_utilisation;
  return Float64Array.from(cloud.flavors, (f) => f.vcpus * (typeof u === 'number' ? u : u[f.name] ?? 0));
}

/** The per-boot draws shared by all designs (common random numbers). */
interface Workload {
  arrival: Float64Array;
  flavor: Int32Array;
  image: Int32Array;
  cpu: Float64Array;
  clone: Float64Array;
  lifetime: Float64Array;
}

function drawWorkload(cloud: Cloud, config: BootConfig, horizon: number, ctx: ReplicationContext): Workload {
  const arrivalsRng = ctx.streams.stream('boot-arrivals');
  const times: number[] = [];
  if (config.storm) for (let i = 0; i < config.storm.size; i++) times.push(config.storm.at);
  else {
    const gap = new Exponential(1 / config.arrivals!.rate);
    for (let t = gap.sample(arrivalsRng); t < horizon; t += gap.sample(arrivalsRng)) times.push(t);
  }
  const n = times.length;
  const images = cloud.images!;
  const imageMix = new Shares(images.map((i) => i.share));
  const flavorMix = new Shares(cloud.flavors.map((f) => f.share));
  const flavorRng = ctx.streams.stream('boot-flavor');
  const imageRng = ctx.streams.stream('boot-image');
  const cpuRng = ctx.streams.stream('boot-cpu');
  const cloneRng = ctx.streams.stream('rbd-clone');
  const lifeRng = ctx.streams.stream('instance-lifetime');
  const cloneLatency = cloud.rbd_clone.latency;
  const lifetime: Distribution | undefined = config.arrivals?.lifetime;
  const w: Workload = {
    arrival: Float64Array.from(times), flavor: new Int32Array(n), image: new Int32Array(n), cpu: new Float64Array(n),
    clone: new Float64Array(n), lifetime: new Float64Array(n).fill(Infinity),
  };
  for (let i = 0; i < n; i++) {
    w.flavor[i] = flavorMix.pick(flavorRng.next());
    const k = imageMix.pick(imageRng.next());
    w.image[i] = k;
    w.cpu[i] = images[k].boot.cpu.sample(cpuRng);
    w.clone[i] = cloneLatency.sample(cloneRng);
    if (lifetime) w.lifetime[i] = lifetime.sample(lifeRng);
  }
  return w;
}


export interface BootRun {
  /** Boot times of the booted requests, in request order. */
  bootTimes: Float64Array;
  model: BootModel;
  placement: BootPlacement;
  /** Host of each request (ComputeState index), −1 for NoValidHost. */
  hostOf: Int32Array;
  completion: number;
  noValidHost: number;
  /** Events the run's Simulation fired. */
  events: number;
}

/** Runs one replication: the boot times (in request order), where each went, and the model. */
export function simulateBoots(input: StudyInput<BootConfig>, ctx: ReplicationContext): BootRun {
  const { cloud, config } = input;
  const w = drawWorkload(cloud, config, input.horizon, ctx);
  const n = w.arrival.length;
  const sim = new Simulation(1024);
  if (ctx.tracer) sim.tracer = ctx.tracer;
  const placement = new BootPlacement(cloud, n, ctx.streams.stream('scheduler'), config.hosts, true);
  const activeId = sim.addHandler('boot.active', (i: number) => placement.booted(i));
  const cores = hostCores(cloud);
  // Each host's running workload: one draw per host, in host order (same draws in every design).
  const busyRng = ctx.streams.stream('host-busy-cores');
  const busy = Float64Array.from(cores, () => Math.max(0, cloud.compute_node.busy_cores.sample(busyRng)));
  const model = new BootModel(sim, cloud, { hostCores: cores, busyCores: busy, nfsFallback: ctx.streams.stream('nfs-fallback'), onActive: activeId });
  const pre = cloud.image_cache_manager.precache;
  if (pre !== undefined) {
    const images = cloud.images!;
    const which = pre === 'all' ? images.map((_, k) => k) : pre.map((name) => images.findIndex((i) => i.name === name));
    const hosts = config.hosts ?? cores.length;
    for (let h = 0; h < hosts; h++) for (const k of which) model.precache(h, k);
  }
  const flavorBusy = flavorBusyCores(cloud);
  const hostOf = new Int32Array(n);
  const bootIndex = new Int32Array(n);
  const bootTimes = new Float64Array(n).fill(NaN);
  let completed = 0;
  let noValidHost = 0;
  let lastDone = 0;
  const finished = (): void => { if (completed + noValidHost === n) sim.stop(); };

  const arrivalId = sim.addHandler('boot.request', (i: number) => {
    if (i + 1 < n) sim.at(w.arrival[i + 1], arrivalId, i + 1);
    const host = placement.place(i, w.flavor[i]);
    hostOf[i] = host;
    if (host < 0) { noValidHost++; finished(); return; }
    bootIndex[i] = model.boot(host, w.image[i], w.cpu[i], w.clone[i], bootedId, i);
  });
  const deleteId = sim.addHandler('instance.delete', (i: number) => {
    model.deleteInstance(bootIndex[i]);
    if (flavorBusy[w.flavor[i]] > 0) model.addBusyCores(hostOf[i], -flavorBusy[w.flavor[i]]);
    placement.remove(i);
  });
  const bootedId = sim.addHandler('boot.booted', (i: number) => {
    bootTimes[i] = sim.now - w.arrival[i];
    lastDone = sim.now;
    // The guest is up: its workload now keeps its share of the host's cores busy.
    if (flavorBusy[w.flavor[i]] > 0) model.addBusyCores(hostOf[i], flavorBusy[w.flavor[i]]);
    if (w.lifetime[i] !== Infinity) sim.schedule(w.lifetime[i], deleteId, i);
    completed++;
    finished();
  });

  if (n > 0) {
    sim.at(w.arrival[0], arrivalId, 0);
    sim.run();
  }
  if (completed + noValidHost !== n) throw new Error(`boot study: ${n - completed - noValidHost} of ${n} boots never completed`);
  const booted = noValidHost === 0 ? bootTimes : bootTimes.filter((t) => !Number.isNaN(t));
  return { bootTimes: booted, model, placement, hostOf, completion: completed > 0 ? lastDone - w.arrival[0] : 0, noValidHost, events: sim.eventsFired };
}

export const bootStudy: StudyDefinition<BootConfig, keyof typeof metrics> = {
  name: 'boot',
  title: 'Boot times: Glance HTTP vs NFS direct fetch vs Ceph RBD clones',
  question: 'How long do boots take (p50/p95/p99) when images come by Glance HTTP streaming, NFS direct fetch or Ceph RBD copy-on-write clones, alone and in a boot storm of N concurrent boots?',
  schema: bootConfigSchema,
  metrics,
  keyMetrics: ['boot_time_p95', 'storm_completion', 'boot_time_p50', 'cache_hit_ratio'],
  charts: [
    { kind: 'series', series: 'boot_time_cdf' },
    { kind: 'sweep', metric: 'storm_completion' },
    { kind: 'design', metric: 'storm_completion' },
    { kind: 'spread', metric: 'boot_time_p95' },
  ],
  series: () => ({
    boot_time_cdf: {
      label: 'Boot time', unit: 's', description: 'boot-time quantiles within the replication (the CDF read sideways)',
      x: CDF_POINTS, xLabel: 'fraction of boots done', xUnit: 'fraction',
    },
  }),
  check: checkBoot,
  warnings({ cloud }) {
    const out: string[] = [];
    if (cloud.ephemeral_storage === 'rbd' && cloud.glance.store === 'rbd' && !cloud.glance.show_image_direct_url
      && (cloud.images ?? []).some((i) => i.format === 'raw')) {
      out.push('instance disks and raw images are both on RBD but glance.show_image_direct_url is off (glance\'s default): nova cannot see the images\' locations, so it cannot clone them; every boot downloads the image to _base and rbd-imports it (docs/boot-and-storage.md §5)');
    }
    if (cloud.ephemeral_storage === 'rbd' && cloud.ceph) {
      const imported = (cloud.images ?? []).filter((i) => i.share > 0 && i.data_size === undefined && !isCloneable(cloud, i.format));
      out.push(...wholeObjectImportWarning(cloud.ceph.release, imported.map((i) => i.name)));
    }
    if (cloud.glance.image_cache && cloud.glance.store === 'rbd') {
      out.push('glance-api image cache is on with images on RBD: Han and the Ceph guide advise disabling cache management there (docs/openstack-facts.md §9.3); it only fills when images are downloaded');
    }
    return out;
  },
  replicate(input, ctx) {
    const { bootTimes, model, completion, noValidHost, events } = simulateBoots(input, ctx);
    const sorted = Float64Array.from(bootTimes).sort();
    let sum = 0;
    for (const t of bootTimes) sum += t;
    const n = bootTimes.length;
    return {
      metrics: {
        boot_time_p50: quantileSorted(sorted, 0.5),
        boot_time_p95: quantileSorted(sorted, 0.95),
        boot_time_p99: quantileSorted(sorted, 0.99),
        boot_time_mean: n > 0 ? sum / n : NaN,
        storm_completion: completion,
        bytes_transferred: model.bytesTransferred,
        bytes_downloaded: model.bytesDownloaded,
        cache_hit_ratio: n > 0 ? model.bootsWithoutDownload / n : NaN,
        no_valid_host: noValidHost,
        nfs_fallbacks: model.nfsFallbacks,
      },
      series: { boot_time_cdf: CDF_POINTS.map((p) => quantileSorted(sorted, p)) },
      events,
    };
  },
};
