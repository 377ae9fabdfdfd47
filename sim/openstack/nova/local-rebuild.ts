import type { Simulation } from '../../engine/simulation.js';
import { Shares, type Distribution } from '../../random/distributions.js';
import type { Rng, Streams } from '../../random/streams.js';
import type { Cloud } from '../cloud.js';
import { BootModel } from '../images/boot-model.js';
import { hostCores } from './boot-placement.js';
import type { ComputeState } from './compute-state.js';
import { ABSENT, PRESENT } from '../images/image-cache.js';
import { grown } from '../../engine/grow.js';

/**
 * Evacuation rebuilds on local storage (docs/openstack-facts.md §8.2, §9.1): with instance disks in
 * /var/lib/nova/instances the evacuated instance's root disk is rebuilt from its image on the
 * destination, through the boot study's BootModel — so a rack's rebuild storm shares glance/NFS
 * bandwidth, each destination's `_base` cache (one download per image per host, the others wait
 * on the image lock) and its cores, exactly like a boot storm. Rebuilds skip the build semaphore:
 * it wraps `build_and_run_instance` only, `rebuild_instance` is not gated (§8.3).
 *
 * `_base` bookkeeping: every instance of the initial fill was booted on its host, so each host
 * starts with the bases of its instances present and in use. An evacuated instance's old disk
 * stays on the dead source (its base still in use) until the source's nova-compute restarts and
 * destroys evacuated guests (§8.2); then the base is unused and the cache manager may remove it
 * (§9.1). A live migration home or a churn replacement moves the use to the new host; the base
 * is made present there without modelling its transfer (neither path is a downtime).
 *
 * Each instance's image is drawn once per replication, in instance order, by image `share` from
 * its own stream ('instance-images'), so designs with the same instances see the same images
 * (common random numbers); guest boot CPU is drawn per rebuild from 'rebuild-boot'.
 *
 * Known simplification: the BootModel cannot cancel a boot, so a rebuild whose destination dies
 * meanwhile keeps its flows (glance, `_base`, cores) until it would have finished; its completion
 * is ignored. Destinations rarely die within the minutes a rebuild takes.
 */
export class LocalRebuilds {
  readonly boot: BootModel;
  /** Image index of every instance. */
  readonly imageOf: Int32Array;
  /** Rebuilds started. */
  started = 0;

  /** Host holding the instance's root disk (whose `_base` it uses), −1 while it has none. */
  private readonly diskOn: Int32Array;
  /** Per host: `_base` pairs used by disks of instances evacuated away from it. */
  private readonly orphans: number[][];
  /** Rebuild in flight per instance (−1: none). */
  private readonly current: Int32Array;
  private instanceOfRebuild = new Int32Array(64);
  private readonly cpu: Distribution[];
  private readonly cpuRng: Rng;
  private readonly hDone: number;

  /** `onRunning` is the handler fired with the instance index when its rebuild is done. */
  constructor(private readonly sim: Simulation, private readonly s: ComputeState, cloud: Cloud, streams: Streams, private readonly onRunning: number) {
    const images = cloud.images ?? [];
    // The rebuild stops counting in num_io_ops when nova sets the instance ACTIVE: when spawn
    // returns with the domain running (BootModel's onActive), not when the guest OS is up.
    const hActive = sim.addHandler('rebuild-active', (id) => this.active(id));
    this.boot = new BootModel(sim, cloud, { hostCores: hostCores(cloud), nfsFallback: streams.stream('nfs-fallback'), onActive: hActive });
    this.cpu = images.map((im) => im.boot.cpu);
    this.cpuRng = streams.stream('rebuild-boot');
    const N = s.instanceCount;
    this.imageOf = drawImages(images.map((im) => im.share), N, streams.stream('instance-images'));
    this.diskOn = new Int32Array(N).fill(-1);
    this.current = new Int32Array(N).fill(-1);
    this.orphans = Array.from({ length: s.hostCount }, () => []);
    for (let i = 0; i < N; i++) if (s.hostOf[i] >= 0) this.place(i, s.hostOf[i]);
    this.hDone = sim.addHandler('rebuild-done', (id) => this.done(id));
  }

  /** Starts the rebuild of instance `i` on `host` (not gated by max_concurrent_builds, §8.3). */
  start(i: number, host: number): void {
    this.diskOn[i] = host;
    const id = this.started++;
    if (id === this.instanceOfRebuild.length) this.instanceOfRebuild = grown(this.instanceOfRebuild, id * 2);
    this.instanceOfRebuild[id] = i;
    this.current[i] = id;
    const image = this.imageOf[i];
    this.boot.boot(host, image, this.cpu[image].sample(this.cpuRng), 0, this.hDone, id, false);
  }

  private active(id: number): void {
    const i = this.instanceOfRebuild[id];
    if (this.current[i] === id) this.s.ioEnd(i); // else its host died: the frozen record keeps the count
  }

  private done(id: number): void {
    const i = this.instanceOfRebuild[id];
    if (this.current[i] !== id) return; // its host died meanwhile
    this.current[i] = -1;
    this.sim.fire(this.onRunning, i);
  }

  /**
   * The host of instance `i` died during its rebuild (if one is in flight): the completion will
   * be ignored and the half-built disk goes with the host's other evacuated guests, so a restart
   * there after repair rebuilds again.
   */
  abort(i: number): void {
    if (this.current[i] < 0) return;
    this.current[i] = -1;
    const h = this.diskOn[i];
    this.orphans[h].push(this.boot.cache.pair(h, this.imageOf[i]));
    this.diskOn[i] = -1;
  }

  /** True when instance `i` has no root disk on `host` (a restart there must rebuild). */
  needsRebuild(i: number, host: number): boolean {
    return this.diskOn[i] !== host;
  }

  /** Instance `i` is evacuated away from `src`: its old disk stays there until the source restarts. */
  left(i: number, src: number): void {
    if (this.diskOn[i] !== src) return;
    this.orphans[src].push(this.boot.cache.pair(src, this.imageOf[i]));
    this.diskOn[i] = -1;
  }

  /** `host`'s nova-compute starts and destroys the guests evacuated from it (§8.2). */
  hostUp(host: number): void {
    const list = this.orphans[host];
    for (let k = 0; k < list.length; k++) this.boot.cache.unuse(list[k]);
    list.length = 0;
  }

  /** Instance `i`'s disk moves to `host` (live migration home, or a churn replacement there). */
  moved(i: number, host: number): void {
    const cache = this.boot.cache;
    if (this.diskOn[i] >= 0) cache.unuse(cache.pair(this.diskOn[i], this.imageOf[i]));
    this.place(i, host);
  }

  /** Test helper: gives instance `i` another image (its base use follows). */
  assignImage(i: number, image: number): void {
    const cache = this.boot.cache, h = this.diskOn[i];
    if (h >= 0) cache.unuse(cache.pair(h, this.imageOf[i]));
    this.imageOf[i] = image;
    if (h >= 0) this.place(i, h);
  }

  private place(i: number, host: number): void {
    const cache = this.boot.cache;
    const pair = cache.pair(host, this.imageOf[i]);
    cache.use(pair);
    if (cache.state[pair] === ABSENT) cache.markPresent(pair);
    this.diskOn[i] = host;
  }

  /** Host holding instance `i`'s root disk, −1 while it has none (tests). */
  diskHost(i: number): number {
    return this.diskOn[i];
  }

  /** `_base` uses this bookkeeping accounts for: live disks plus disks awaiting their host (tests). */
  accountedUses(): number {
    let n = 0;
    for (let i = 0; i < this.diskOn.length; i++) if (this.diskOn[i] >= 0) n++;
    for (const list of this.orphans) n += list.length;
    return n;
  }

  /** True when `host` has the base of `image` in its `_base` (tests). */
  cached(host: number, image: number): boolean {
    return this.boot.cache.state[this.boot.cache.pair(host, image)] === PRESENT;
  }
}

/** One image per instance, in instance order, by normalised share. */
export function drawImages(shares: number[], n: number, rng: Rng): Int32Array {
  const mix = new Shares(shares);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = mix.pick(rng.next());
  return out;
}
