import { Simulation } from '../../sim/engine/simulation.js';
import type { Streams } from '../../sim/random/streams.js';
import { WordPool } from '../../sim/openstack/ceph/rbd-disk.js';
import { RatioAverage, type RbdResult } from '../../sim/openstack/ceph/rbd-model.js';
import { planDisks, type RbdModelConfig } from '../../sim/openstack/ceph/rbd-plan.js';
import { ExtentBlocks, GuestDisk, guestStream } from '../../sim/openstack/ceph/rbd-guest.js';

/**
 * Reference for runRbd: the same disks and guests, run as one interleaved discrete-event
 * simulation — disk creations and deletions as events, one batch event for all disks, one fstrim
 * event for all disks, series samples — with the pool's usage summed live and the thresholds
 * checked after every event. runRbd runs disk by disk and replays the pool afterwards; both must
 * agree exactly.
 */
export function runRbdEvents(cfg: RbdModelConfig, streams: Streams): RbdResult {
  const pool = new WordPool();
  const plan = planDisks(cfg, streams);
  const sim = new Simulation();
  const guests: (GuestDisk | undefined)[] = new Array(plan.count);
  const rngs = Array.from({ length: plan.count }, (_, i) => guestStream(streams, i));
  const extents = new ExtentBlocks(cfg.deleteExtent, cfg.blockBytes);
  let alloc = 0, live = 0, prov = 0, reclaimedGone = 0, disks = 0;
  let tNear = NaN, tFull = NaN;
  const series = new Float64Array(cfg.seriesX.length);
  const fullest = () => cfg.pool.fullestFill(cfg.baseStoredBytes + alloc);
  const check = () => {
    const f = fullest();
    if (f >= cfg.pool.nearfull && Number.isNaN(tNear)) tNear = sim.now;
    if (f >= cfg.pool.full && Number.isNaN(tFull)) { tFull = sim.now; sim.stop(); }
  };
  const ratio = new RatioAverage();
  const sum = () => {
    ratio.advance(sim.now, alloc, live);
    alloc = 0; live = 0;
    for (const g of guests) if (g) { alloc += g.allocatedBytes; live += g.liveBytes; }
  };
  const create = (i: number) => {
    const g = new GuestDisk(cfg, plan, i, pool, extents);
    guests[i] = g;
    prov += g.provisionedBytes;
    disks++;
  };
  const created = sim.addHandler('created', (i) => { create(i); sum(); check(); });
  const deleted = sim.addHandler('deleted', (i) => {
    const g = guests[i]!;
    reclaimedGone += g.reclaimedBytes;
    prov -= g.provisionedBytes;
    disks--;
    g.disk.release(pool);
    guests[i] = undefined;
    sum(); check();
  });
  const tick = sim.addHandler('batch', () => {
    guests.forEach((g, i) => g?.activity(rngs[i]));
    sum(); check();
    if (sim.now + cfg.batch <= cfg.horizon) sim.schedule(cfg.batch, tick, 0, 0);
  });
  const trim = sim.addHandler('fstrim', () => {
    for (const g of guests) g?.disk.trim();
    sum(); check();
    if (sim.now + cfg.fstrimInterval <= cfg.horizon) sim.schedule(cfg.fstrimInterval, trim, 0, 1);
  });
  const sample = sim.addHandler('sample', (i) => { series[i] = fullest(); });

  for (let i = 0; i < plan.count; i++) {
    if (plan.created[i] === 0) create(i);
    else sim.at(plan.created[i], created, i);
    if (plan.dies[i] <= cfg.horizon) sim.at(plan.dies[i], deleted, i);
  }
  sum();
  check();
  if (cfg.batch <= cfg.horizon) sim.schedule(cfg.batch, tick, 0, 0);
  if (cfg.discard === 'fstrim' && cfg.discardReachesCeph && cfg.fstrimInterval <= cfg.horizon) sim.schedule(cfg.fstrimInterval, trim, 0, 1);
  cfg.seriesX.forEach((x, i) => sim.at(x, sample, i, 2));
  if (Number.isNaN(tFull)) sim.run(cfg.horizon);
  ratio.advance(cfg.horizon, alloc, live);
  const frozen = fullest();
  cfg.seriesX.forEach((x, i) => { if (x >= tFull) series[i] = frozen; });
  let reclaimed = reclaimedGone;
  for (const g of guests) if (g) reclaimed += g.reclaimedBytes;
  return {
    timeToNearfull: tNear, timeToFull: tFull,
    usedFractionEnd: cfg.pool.meanFill(cfg.baseStoredBytes + alloc), fullestFractionEnd: frozen,
    reclaimedBytes: reclaimed, provisionedBytesEnd: prov, allocatedBytesEnd: alloc, liveBytesEnd: live,
    disksEnd: disks, allocatedOverLiveMean: ratio.mean, series,
  };
}
