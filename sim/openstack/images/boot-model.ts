import type { Simulation } from '../../engine/simulation.js';
import type { Rng } from '../../random/streams.js';
import { Limiter } from '../../resources/limiter.js';
import { LimitedLink, SharedLink } from '../../resources/shared-link.js';
import type { Cloud } from '../cloud.js';
import { glanceNodeLimit, nfsServerRate } from './backend-limits.js';
import { ABSENT, BaseImageCache, FETCHING, PRESENT } from './image-cache.js';
import { grown } from '../../engine/grow.js';

/**
 * How an instance's root disk reaches a compute node and the guest boots (docs/openstack-facts.md §2,
 * §8.3, §9). One BootModel lives inside one Simulation; the boot study drives it with a storm or
 * Poisson arrivals, and the evacuation study can drive it for rebuilds on local storage
 * (`boot(..., gated = false)`: `rebuild_instance` is not under the build semaphore, §8.3).
 *
 * A boot, once on its host:
 *  1. takes one of the host's `max_concurrent_builds` slots (FIFO semaphore, §8.3);
 *  2. gets its root disk:
 *     - RBD copy-on-write clone when instance disks are on RBD, glance stores images in the same
 *       Ceph cluster, glance shows nova the image's location (`show_image_direct_url`) and the
 *       image is raw (§9.2, docs/boot-and-storage.md §5): a clone latency, no download, nothing
 *       in _base;
 *     - otherwise the image's base in `_base` (§9.1): present ⇒ nothing to fetch; being fetched
 *       by another boot ⇒ wait for that fetch (per-image lock); absent ⇒ fetch it: download
 *       (Glance HTTP, or NFS `cp` falling back to HTTP on error, §2), then qemu-img convert to raw
 *       when the image is qcow2 and `force_raw_images` (§9.1); with instance disks on RBD the
 *       base is then `rbd import`ed per instance (§9.2) — sparse: the CLI skips zeroes, so it
 *       moves the image's data (`data_size`), not its virtual size (docs/boot-and-storage.md §5);
 *  3. releases the build slot — the semaphore wraps `build_and_run_instance`, which returns when
 *     the domain is started, not when the guest OS is up; the instance is ACTIVE from then on
 *     (`onActive`);
 *  4. boots the guest in two stages, in order (docs/boot-and-storage.md §1): first the I/O-bound
 *     stage — kernel, initrd and root file system reads of its boot working set through the
 *     storage path (local disk, or the Ceph network and the host NIC) — then the CPU-bound init,
 *     whose work shares the host's cores (processor sharing, one core at most per guest) with the
 *     other booting guests and with the host's running workload (`busy_cores`, a background
 *     weight on the cores link: each guest then gets min(1, cores ÷ (booting guests + busy
 *     cores))). The boot is done when init is done.
 *
 * Transfers are flows on SharedLinks (max-min fair with per-flow caps); a glance-api node is a
 * LimitedLink when its WSGI server's or load balancer's limit can bind (that many downloads share
 * it, the others wait FIFO), and the NFS server's rate is capped by what its nfsd threads complete
 * (backend-limits.ts, docs/boot-and-storage.md §3). A download through glance
 * uses its glance-api node's NIC and, unless that node has the image in its image cache (§9.3),
 * the glance store; both hops are flows of the image size and the download completes when both
 * are done (a fluid tandem: exact when the same hop binds every flow through it, as in the bundled
 * scenarios; otherwise an approximation, since a flow leaves its faster hop early). On shared
 * links (glance, NFS, Ceph) every flow of a compute node is capped at its NIC (min(NIC, disk) for
 * downloads), which is exact max-min when a host has one flow; what a host's flows take together
 * goes through that host's NIC as one more hop: receive (downloads, guest reads from Ceph) and
 * transmit (`rbd import`) are separate links, the NIC being full duplex. The host's local disk is
 * one link too, shared by download writes into `_base`, qemu-img conversions and guests booting
 * from local disk.
 *
 * Driving it from another study (e.g. evacuation rebuilds on local storage): build it in that
 * study's Simulation with `hostCores(cloud)` (host indices = ComputeState's, rack by rack), then
 * `boot(host, image, cpuSeconds, cloneLatency, doneHandler, payload, false)` per rebuilt instance;
 * `doneHandler(payload)` fires when the guest is up. Concurrent rebuilds then share glance/NFS,
 * the hosts' `_base` caches and cores exactly like a boot storm. `uncontendedBootTime`
 * (boot-time.ts) gives the same path's closed-form time on an idle cloud.
 */
export interface BootModelOptions {
  /** Physical cores of each host (length = number of hosts). */
  hostCores: ArrayLike<number>;
  /** Stream for NFS direct-fetch failures (one draw per NFS download attempt). */
  nfsFallback: Rng;
  /**
   * Handler fired with a boot's payload when its domain is running: libvirt's spawn returns once
   * the domain's power state is RUNNING (`_wait_for_boot`), and nova then sets vm_state ACTIVE,
   * so the build leaves the compute's io_workload there (§7 IoOpsWeigher), not when the guest OS
   * is up. Optional; fired synchronously, in the same instant as the build slot's release.
   */
  onActive?: number;
  /** Cores each host's running workload keeps busy at the start (default 0). */
  busyCores?: ArrayLike<number>;
}

/** The part of a link the boot path uses: both link kinds start flows the same way. */
interface FlowLink {
  start(bytes: number, capBytesPerSec: number, doneHandlerId: number, payload: number): unknown;
}

const LOCAL = 0, RBD = 1;

export class BootModel {
  readonly hosts: number;
  readonly images: number;
  readonly cache: BaseImageCache;
  /** Image bytes downloaded into `_base` directories. */
  bytesDownloaded = 0;
  /** Bytes moved over the network for boots: downloads, rbd imports, guest reads from Ceph. */
  bytesTransferred = 0;
  downloads = 0;
  nfsFallbacks = 0;
  /** Boots that needed no download of their image (base present or being fetched, or CoW clone). */
  bootsWithoutDownload = 0;
  bootsStarted = 0;

  private readonly sim: Simulation;
  private readonly cloud: Cloud;
  private readonly nfsFallback: Rng;
  private readonly diskBackend: number;
  private readonly imageSize: Float64Array;
  private readonly imageQcow2: Uint8Array;
  private readonly imageCloneable: Uint8Array;
  private readonly imageRead: Float64Array;
  private readonly hostCores: Float64Array;
  private readonly busyCores: Float64Array;
  private readonly imageData: Float64Array;
  private readonly downloadCap: number;
  private readonly nic: number;
  private readonly activeId: number;

  // Resources, created on first use (a storm may touch a few hosts of a big cloud).
  private readonly builds: (Limiter | undefined)[];
  private readonly cpu: (SharedLink | undefined)[];
  private readonly disk: (SharedLink | undefined)[];
  private readonly nicRx: (SharedLink | undefined)[];
  private readonly nicTx: (SharedLink | undefined)[];
  private readonly glanceApi: (FlowLink | undefined)[];
  private glanceStoreLink: SharedLink | undefined;
  private nfsLink: SharedLink | undefined;
  private cephLink: SharedLink | undefined;
  private nextGlanceNode = 0;
  /** Per (glance node, image): 0 not cached, 1 being cached by a GET, 2 cached (§9.3). */
  private readonly glanceCached: Uint8Array;

  // Per (host, image) fetch in progress.
  private readonly hopsLeft: Int8Array;
  private readonly cachingNode: Int32Array;

  // Per boot (grown by doubling).
  private bootHost = new Int32Array(64);
  private bootImage = new Int32Array(64);
  private bootCpu = new Float64Array(64);
  private bootClone = new Float64Array(64);
  private bootDone = new Int32Array(64);
  private bootPayload = new Float64Array(64);
  private bootGated = new Uint8Array(64);
  private bootParts = new Int8Array(64);
  private nextWaiter = new Int32Array(64);

  private readonly slotGrantedId: number;
  private readonly cloneDoneId: number;
  private readonly hopDoneId: number;
  private readonly convertDoneId: number;
  private readonly importDoneId: number;
  private readonly partDoneId: number;
  private readonly readDoneId: number;

  constructor(sim: Simulation, cloud: Cloud, opts: BootModelOptions) {
    const images = cloud.images ?? [];
    if (images.length === 0) throw new Error('BootModel: the cloud has no images (expected cloud.images)');
    this.sim = sim;
    this.cloud = cloud;
    this.nfsFallback = opts.nfsFallback;
    this.activeId = opts.onActive ?? -1;
    this.hosts = opts.hostCores.length;
    this.images = images.length;
    this.hostCores = Float64Array.from(opts.hostCores);
    this.busyCores = opts.busyCores ? Float64Array.from(opts.busyCores) : new Float64Array(this.hosts);
    if (this.busyCores.length !== this.hosts) throw new RangeError(`BootModel: ${this.busyCores.length} busy-core values for ${this.hosts} hosts`);
    this.diskBackend = cloud.ephemeral_storage === 'rbd' ? RBD : LOCAL;
    this.imageSize = Float64Array.from(images, (i) => i.size);
    this.imageData = Float64Array.from(images, (i) => Math.min(i.virtual_size, i.data_size ?? i.size));
    this.imageQcow2 = Uint8Array.from(images, (i) => (i.format === 'qcow2' ? 1 : 0));
    this.imageRead = Float64Array.from(images, (i) => i.boot.read);
    this.imageCloneable = Uint8Array.from(images, (i) => (isCloneable(cloud, i.format) ? 1 : 0));
    this.nic = cloud.compute_node.nic;
    this.downloadCap = Math.min(cloud.compute_node.nic, cloud.compute_node.disk_write);
    const mgr = cloud.image_cache_manager;
    this.cache = new BaseImageCache(sim, this.hosts, this.images, mgr.interval, mgr.remove_unused_after, mgr.remove_unused_base_images);
    this.builds = new Array(this.hosts);
    this.cpu = new Array(this.hosts);
    this.disk = new Array(this.hosts);
    this.nicRx = new Array(this.hosts);
    this.nicTx = new Array(this.hosts);
    this.glanceApi = new Array(cloud.glance.api_nodes);
    this.glanceCached = new Uint8Array(cloud.glance.api_nodes * this.images);
    this.hopsLeft = new Int8Array(this.hosts * this.images);
    this.cachingNode = new Int32Array(this.hosts * this.images).fill(-1);

    this.slotGrantedId = sim.addHandler('boot.slot-granted', (b) => this.slotGranted(b));
    this.cloneDoneId = sim.addHandler('boot.rbd-clone-done', (b) => this.rootDiskReady(b));
    this.hopDoneId = sim.addHandler('boot.download-hop-done', (p) => this.hopDone(p));
    this.convertDoneId = sim.addHandler('boot.convert-done', (p) => this.baseReady(p));
    this.importDoneId = sim.addHandler('boot.rbd-import-hop-done', (b) => {
      if (--this.bootParts[b] > 0) return;
      this.bytesTransferred += this.imageData[this.bootImage[b]];
      this.rootDiskReady(b);
    });
    this.partDoneId = sim.addHandler('boot.guest-init-done', (b) => this.sim.fire(this.bootDone[b], this.bootPayload[b]));
    this.readDoneId = sim.addHandler('boot.guest-read-done', (b) => { if (--this.bootParts[b] === 0) this.init(b); });
  }

  /** True when boots of `image` are copy-on-write RBD clones (no download). */
  isCloneable(image: number): boolean {
    return this.imageCloneable[image] === 1;
  }

  /**
   * Starts a boot of `image` on `host`; fires `doneHandler(payload)` when the guest has booted.
   * `cpuSeconds` is the guest's boot CPU work and `cloneLatency` the RBD clone time (used only
   * for cloneable images); drawing them is the caller's job, so designs can share the draws.
   * `gated = false` skips the build semaphore (evacuation rebuilds, §8.3). Returns the boot index.
   */
  boot(host: number, image: number, cpuSeconds: number, cloneLatency: number, doneHandler: number, payload: number, gated = true): number {
    const b = this.bootsStarted++;
    if (b === this.bootHost.length) this.grow();
    this.bootHost[b] = host;
    this.bootImage[b] = image;
    this.bootCpu[b] = cpuSeconds;
    this.bootClone[b] = cloneLatency;
    this.bootDone[b] = doneHandler;
    this.bootPayload[b] = payload;
    this.bootGated[b] = gated ? 1 : 0;
    if (gated) this.buildsOf(host).request(this.slotGrantedId, b);
    else this.slotGranted(b);
    return b;
  }

  /**
   * The host's running workload changes by `delta` busy cores (an instance's guest came up, or
   * one was deleted): from now on booting guests share the cores with the new load.
   */
  addBusyCores(host: number, delta: number): void {
    const v = this.busyCores[host] + delta;
    this.busyCores[host] = v > 1e-12 ? v : 0;
    this.cpu[host]?.setBackground(this.busyCores[host]);
  }

  /** Cores the host's running workload keeps busy now. */
  busyCoresOf(host: number): number {
    return this.busyCores[host];
  }

  /**
   * Pre-caches `image` into `host`'s `_base` now (nova's aggregate image cache, API 2.81): the
   * base is present and used by no instance, so the cache manager removes it once it has gone
   * unused for `remove_unused_after`, like any base. No-op for cloned images (never in _base)
   * and for bases present or being fetched.
   */
  precache(host: number, image: number): void {
    if (this.imageCloneable[image] === 1) return;
    const pair = this.cache.pair(host, image);
    if (this.cache.state[pair] !== ABSENT) return;
    this.cache.markPresent(pair);
  }

  /** The instance of boot `b` is deleted: its base is no longer used by it. */
  deleteInstance(b: number): void {
    if (this.imageCloneable[this.bootImage[b]] === 0) this.cache.unuse(this.cache.pair(this.bootHost[b], this.bootImage[b]));
  }

  private slotGranted(b: number): void {
    const image = this.bootImage[b];
    if (this.imageCloneable[image] === 1) {
      this.bootsWithoutDownload++;
      this.sim.schedule(this.bootClone[b], this.cloneDoneId, b);
      return;
    }
    const cache = this.cache;
    const pair = cache.pair(this.bootHost[b], image);
    cache.use(pair);
    const state = cache.state[pair];
    if (state === PRESENT) {
      this.bootsWithoutDownload++;
      this.baseAvailable(b);
      return;
    }
    // Queue behind the fetch (the per-image lock), starting it if nobody has.
    this.nextWaiter[b] = -1;
    if (cache.waitHead[pair] < 0) cache.waitHead[pair] = b;
    else this.nextWaiter[cache.waitTail[pair]] = b;
    cache.waitTail[pair] = b;
    if (state === FETCHING) this.bootsWithoutDownload++;
    else {
      cache.state[pair] = FETCHING;
      this.startDownload(pair);
    }
  }

  private startDownload(pair: number): void {
    const image = pair % this.images;
    const size = this.imageSize[image];
    this.downloads++;
    if (this.cloud.image_transfer === 'nfs-direct') {
      // §2: `cp` from the NFS mount, any failure falls back to the Glance HTTP download.
      if (this.nfsFallback.next() >= this.cloud.nfs.fallback_probability) {
        this.hopsLeft[pair] = 2;
        this.nfs().start(size, this.downloadCap, this.hopDoneId, pair);
        this.receive(pair, size);
        return;
      }
      this.nfsFallbacks++;
    }
    const node = this.nextGlanceNode;
    this.nextGlanceNode = (node + 1) % this.glanceApi.length;
    this.hopsLeft[pair] = 2;
    this.glanceNode(node).start(size, this.downloadCap, this.hopDoneId, pair);
    this.receive(pair, size);
    const slot = node * this.images + image;
    if (this.cloud.glance.image_cache && this.glanceCached[slot] === 2) return;
    // A miss reads the store; the first GET of an image on a node fills that node's cache,
    // concurrent misses just stream from the store (glance's cache middleware).
    if (this.cloud.glance.image_cache && this.glanceCached[slot] === 0) {
      this.glanceCached[slot] = 1;
      this.cachingNode[pair] = node;
    }
    this.hopsLeft[pair]++;
    this.glanceStore().start(size, this.downloadCap, this.hopDoneId, pair);
  }

  /** The download's hops on its host: the NIC (receive side) and the write into `_base`. */
  private receive(pair: number, size: number): void {
    const host = (pair - (pair % this.images)) / this.images;
    this.hopsLeft[pair]++;
    this.nicRxOf(host).start(size, this.downloadCap, this.hopDoneId, pair);
    this.diskOf(host).start(size, Infinity, this.hopDoneId, pair);
  }

  private hopDone(pair: number): void {
    if (--this.hopsLeft[pair] > 0) return;
    const image = pair % this.images;
    const node = this.cachingNode[pair];
    if (node >= 0) {
      this.glanceCached[node * this.images + image] = 2;
      this.cachingNode[pair] = -1;
    }
    this.bytesDownloaded += this.imageSize[image];
    this.bytesTransferred += this.imageSize[image];
    if (this.imageQcow2[image] === 1 && this.cloud.compute_node.force_raw_images) {
      // §9.1: non-raw downloads are converted to raw with qemu-img on the host's disk.
      this.diskOf((pair - image) / this.images).start(this.imageSize[image], this.cloud.compute_node.convert_throughput, this.convertDoneId, pair);
    } else this.baseReady(pair);
  }

  /** The base is in `_base`: release every boot waiting on the image lock. */
  private baseReady(pair: number): void {
    const cache = this.cache;
    cache.markPresent(pair);
    let b = cache.waitHead[pair];
    cache.waitHead[pair] = -1;
    cache.waitTail[pair] = -1;
    while (b >= 0) {
      const next = this.nextWaiter[b];
      this.baseAvailable(b);
      b = next;
    }
  }

  private baseAvailable(b: number): void {
    if (this.diskBackend === RBD) {
      // §9.2: not cloneable ⇒ `rbd import` the raw base per instance, zeroes skipped (sparse).
      const bytes = this.imageData[this.bootImage[b]];
      this.bootParts[b] = 2;
      this.ceph().start(bytes, this.nic, this.importDoneId, b);
      this.nicTxOf(this.bootHost[b]).start(bytes, Infinity, this.importDoneId, b);
    } else {
      // Local qcow2 overlay on the base: metadata only.
      this.rootDiskReady(b);
    }
  }

  private rootDiskReady(b: number): void {
    const host = this.bootHost[b];
    if (this.bootGated[b] === 1) this.builds[host]!.release();
    if (this.activeId >= 0) this.sim.fire(this.activeId, this.bootPayload[b]);
    const read = this.imageRead[this.bootImage[b]];
    // Stage 1, I/O-bound: the boot reads. Stage 2, CPU-bound init, starts when they are done.
    if (!(read > 0)) { this.init(b); return; }
    if (this.diskBackend === RBD) {
      this.bytesTransferred += read;
      this.bootParts[b] = 2;
      this.ceph().start(read, this.nic, this.readDoneId, b);
      this.nicRxOf(host).start(read, Infinity, this.readDoneId, b);
    } else {
      this.bootParts[b] = 1;
      this.diskOf(host).start(read, Infinity, this.readDoneId, b);
    }
  }

  /** Stage 2: the guest's init on the host cores. Zero work completes through an event, never inside the caller's boot() call. */
  private init(b: number): void {
    const cpu = this.bootCpu[b];
    if (cpu > 0) this.cpuOf(this.bootHost[b]).start(cpu, 1, this.partDoneId, b);
    else this.sim.schedule(0, this.partDoneId, b);
  }

  private buildsOf(host: number): Limiter {
    return (this.builds[host] ??= new Limiter(this.sim, this.cloud.compute_node.max_concurrent_builds));
  }

  private cpuOf(host: number): SharedLink {
    let link = this.cpu[host];
    if (link === undefined) {
      link = this.cpu[host] = new SharedLink(this.sim, this.hostCores[host], `host${host}.cores`, 16);
      link.setBackground(this.busyCores[host]);
    }
    return link;
  }

  private diskOf(host: number): SharedLink {
    return (this.disk[host] ??= new SharedLink(this.sim, this.cloud.compute_node.disk_write, `host${host}.disk`, 16));
  }

  private nicRxOf(host: number): SharedLink {
    return (this.nicRx[host] ??= new SharedLink(this.sim, this.nic, `host${host}.nic-rx`, 16));
  }

  private nicTxOf(host: number): SharedLink {
    return (this.nicTx[host] ??= new SharedLink(this.sim, this.nic, `host${host}.nic-tx`, 16));
  }

  private glanceNode(node: number): FlowLink {
    // A host downloads an image once at a time (the per-image lock), so at most hosts × images
    // downloads exist at once: a limit at or above that never binds and the node stays shared.
    const limit = glanceNodeLimit(this.cloud);
    return (this.glanceApi[node] ??= limit >= this.hosts * this.images
      ? new SharedLink(this.sim, this.cloud.glance.nic, `glance-api${node}.nic`)
      : new LimitedLink(this.sim, this.cloud.glance.nic, limit, `glance-api${node}.nic`));
  }

  private glanceStore(): SharedLink {
    switch (this.cloud.glance.store) {
      case 'nfs': return this.nfs();
      case 'rbd': return this.ceph();
      default: return (this.glanceStoreLink ??= new SharedLink(this.sim, this.cloud.glance.backend_read, 'glance-store'));
    }
  }

  private nfs(): SharedLink {
    return (this.nfsLink ??= new SharedLink(this.sim, nfsServerRate(this.cloud), 'nfs-server'));
  }

  private ceph(): SharedLink {
    if (!this.cloud.ceph) throw new Error('BootModel: RBD needs cloud.ceph');
    return (this.cephLink ??= new SharedLink(this.sim, this.cloud.ceph.network, 'ceph-network', 1024));
  }

  /** Links that exist so far, for tests and traces. */
  link(name: 'nfs' | 'ceph' | 'glance-store' | `glance-api${number}` | `disk${number}` | `cores${number}` | `rx${number}` | `tx${number}`): SharedLink | undefined {
    if (name === 'nfs') return this.nfsLink;
    if (name.startsWith('rx')) return this.nicRx[Number(name.slice(2))];
    if (name.startsWith('tx')) return this.nicTx[Number(name.slice(2))];
    if (name === 'ceph') return this.cephLink;
    if (name === 'glance-store') return this.glanceStoreLink;
    if (name.startsWith('glance-api')) {
      const l = this.glanceApi[Number(name.slice(10))];
      return l instanceof LimitedLink ? l.link : (l as SharedLink | undefined);
    }
    if (name.startsWith('disk')) return this.disk[Number(name.slice(4))];
    return this.cpu[Number(name.slice(5))];
  }

  private grow(): void {
    const m = this.bootHost.length * 2;
    this.bootHost = grown(this.bootHost, m);
    this.bootImage = grown(this.bootImage, m);
    this.bootCpu = grown(this.bootCpu, m);
    this.bootClone = grown(this.bootClone, m);
    this.bootDone = grown(this.bootDone, m);
    this.bootPayload = grown(this.bootPayload, m);
    this.bootGated = grown(this.bootGated, m);
    this.bootParts = grown(this.bootParts, m);
    this.nextWaiter = grown(this.nextWaiter, m);
  }
}

/**
 * nova's `is_cloneable` (§9.2): instance disks on RBD, the image in the same Ceph cluster (glance's
 * rbd store), raw, and its location visible to nova — glance only returns the rbd:// location
 * with `show_image_direct_url` (or show_multiple_locations) on (docs/boot-and-storage.md §5).
 */
export function isCloneable(cloud: Cloud, format: 'raw' | 'qcow2'): boolean {
  return cloud.ephemeral_storage === 'rbd' && cloud.glance.store === 'rbd' && cloud.glance.show_image_direct_url && format === 'raw';
}
