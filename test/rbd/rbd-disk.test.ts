import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RbdDisk, WordPool } from '../../sim/openstack/ceph/rbd-disk.js';
import { Groups, lowestSetBits, popcount } from '../../sim/openstack/ceph/rbd-bits.js';

const KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;

test('bit helpers: popcount, lowest bits, object groups', () => {
  assert.equal(popcount(0), 0);
  assert.equal(popcount(~0), 32);
  assert.equal(popcount(0x80000001), 2);
  assert.equal(lowestSetBits(0b1011_0110, 3), 0b0001_0110);
  assert.equal(lowestSetBits(~0, 32), ~0);
  assert.equal(lowestSetBits(0x80000001, 2), 0x80000001 | 0);
  // Against the bit-at-a-time definition, every n, on words with bits in every byte pattern.
  let seed = 12345;
  for (let i = 0; i < 20000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    const x = i < 32 ? 1 << i : seed ^ (seed << 7);
    let rest = x, want = 0, n = 0;
    while (rest !== 0) {
      const low = rest & -rest;
      want |= low;
      rest ^= low;
      assert.equal(lowestSetBits(x, ++n), want, `x=${x >>> 0} n=${n}`);
    }
  }
  const g = new Groups(4);
  assert.equal(g.anyOf(0x0000_0100) >>> 0, 0x0000_0f00);
  assert.equal(g.allOf(0x0000_0f10) >>> 0, 0x0000_0f00);
  assert.equal(new Groups(32).allOf(~0) >>> 0, 0xffffffff);
  assert.equal(new Groups(32).allOf(0x7fffffff), 0);
  assert.equal(new Groups(32).anyOf(0x80000000) >>> 0, 0xffffffff);
});

/**
 * Han's experiment (docs/openstack-facts.md §5), by hand: a 1 GiB disk with 4 MiB objects (256 objects). mkfs has
 * written one block of metadata (object 0). Write 200 MiB of new files right after it (blocks
 * 1..200 of 1 MiB: objects 0..50) and, as a filesystem does, one inode-table block far away
 * (block 600, object 150). Delete the files, then run fstrim.
 *   no discard:      1 → 52 → 52 → 52 (Ceph never sees the delete)
 *   online discard:  1 → 52 → 3 → 3  (objects 1..49 lie wholly inside the freed 200 MiB; object 50
 *                    was only partly written, its discard is partial, it stays — as do 0 and 150)
 *   fstrim:          1 → 52 → 52 → 2 (every object without live data goes; 0 and 150 hold metadata,
 *                    like Han's 315 → 333 → 320 that did not return to 315)
 * The same counts with 4 KiB blocks (objects spanning 1024 blocks: the other code path).
 */
for (const block of [1 * MiB, 4 * KiB]) {
  const perMiB = MiB / block;
  const hand = (mode: 'none' | 'online' | 'fstrim') => {
    const d = new RbdDisk(1 * GiB, 4 * MiB, block);
    const counts: number[] = [];
    d.write(1);
    counts.push(d.allocatedUnits);
    assert.equal(d.write(200 * perMiB), 200 * perMiB);
    d.cursor = 600 * perMiB;
    d.write(1);
    counts.push(d.allocatedUnits);
    assert.equal(d.free(1, 200 * perMiB, mode === 'online'), 200 * perMiB);
    counts.push(d.allocatedUnits);
    if (mode === 'fstrim') d.trim();
    counts.push(d.allocatedUnits);
    assert.equal(d.liveBlocks, 2);
    d.release();
    return counts;
  };
  test(`hand-worked 1 GiB disk, 4 MiB objects, ${block / KiB} KiB blocks: exact object counts per step`, () => {
    assert.deepEqual(hand('none'), [1, 52, 52, 52]);
    assert.deepEqual(hand('online'), [1, 52, 3, 3]);
    assert.deepEqual(hand('fstrim'), [1, 52, 52, 2]);
  });
}

test('online discards under the minimum are dropped (16 KiB objects, 4 KiB blocks, 64 KiB minimum)', () => {
  const run = (minBlocks: number, len: number) => {
    const d = new RbdDisk(1 * MiB, 16 * KiB, 4 * KiB);
    d.write(64); // 256 KiB: objects 0..15
    const before = d.allocatedUnits;
    d.free(0, len, true, minBlocks);
    const gone = before - d.allocatedUnits;
    d.release();
    return gone;
  };
  assert.equal(run(16, 8), 0, 'a 32 KiB discard is dropped');
  assert.equal(run(1, 8), 2, 'without the rule the same discard removes its 2 whole objects');
  assert.equal(run(16, 16), 4, 'a 64 KiB discard removes its 4 objects');
});

test('clone: first write copies up the whole object; discard never removes objects inside the parent overlap', () => {
  const d = new RbdDisk(1 * GiB, 8 * MiB, 1 * MiB, 300 * MiB); // overlap: ceil(300/8) = 38 objects
  d.markParentData(300);
  assert.equal(d.allocatedUnits, 0, 'parent data costs the child nothing');
  assert.equal(d.liveBlocks, 300);
  d.cursor = 10;
  d.free(10, 1, false);
  d.write(1); // rewrite block 10: copy-up of object 1
  assert.equal(d.allocatedUnits, 1);
  assert.equal(d.allocatedBytes, 8 * MiB);
  d.free(8, 8, true); // the whole of object 1, online: inside the overlap, it stays
  assert.equal(d.allocatedUnits, 1);
  d.trim();
  assert.equal(d.allocatedUnits, 1);
  d.cursor = 400;
  d.write(16); // objects 50, 51
  d.free(400, 16, false);
  d.trim();
  assert.equal(d.allocatedUnits, 1, 'outside the overlap fstrim removes them');
  d.release();
});

test('allocator: writes into freed space keep the touched area near the live data; fresh blocks at the cursor climb to the whole disk', () => {
  const touched = (reuse: boolean) => {
    const d = new RbdDisk(1 * GiB, 4 * MiB, 1 * MiB);
    d.write(100);
    let seed = 1;
    for (let i = 0; i < 300; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const start = seed % 100;
      d.free(start, 10, false);
      if (reuse) assert.equal(d.writeFreed(0, 10, 1 << 10), 10);
      else d.write(10);
    }
    const n = d.allocatedUnits;
    d.release();
    return n;
  };
  assert.equal(touched(true), 25, 'freed space only: the first 100 blocks');
  assert.equal(touched(false), 256, 'next fit sweeps the whole disk');
});

test('writes into freed space take only blocks that held data before, from the goal on, and leave the cursor alone', () => {
  const d = new RbdDisk(1 * GiB, 4 * MiB, 1 * MiB);       // 1024 blocks, 4 per object
  d.write(100);                                            // blocks 0–99
  d.write(10);                                             // next fit from the cursor: 100–109
  assert.equal(d.cursor, 110);
  d.free(20, 8, false);                                    // a deleted file: blocks 20–27
  d.free(60, 2, false);                                    // another: 60–61
  assert.equal(d.writeFreed(22, 5), 5, 'freed blocks 22–26');
  assert.deepEqual([21, 22, 26, 27].map((b) => d.isLive(b)), [false, true, true, false]);
  assert.equal(d.writeFreed(27, 10), 3, 'freed 27, 60, 61; never-touched blocks 110 on are the cursor\'s');
  assert.ok(!d.isLive(110) && d.isLive(60) && d.isLive(61));
  assert.equal(d.cursor, 110, 'the cursor did not move');
  assert.equal(d.writeFreed(0, 10, 1), 2, 'only blocks 20 and 21 lie within one word of the goal');
  assert.equal(d.liveBlocks, 110);
  assert.equal(d.allocatedUnits, 28, 'no object created: every freed block is in an existing object');
  d.release();
});

/** A plain per-block reference of the same rules, to check the word-parallel disk against. */
class Reference {
  live: boolean[];
  touched: boolean[];
  alloc: boolean[];
  cursor = 0;
  reclaimed = 0;
  constructor(readonly blocks: number, readonly bpo: number, readonly overlap: number) {
    this.live = new Array(blocks).fill(false);
    this.touched = new Array(blocks).fill(false);
    this.alloc = new Array(blocks / bpo).fill(false);
  }
  write(n: number, allocate = true): number {
    let p = this.cursor, done = 0, last = -1;
    for (let i = 0; i < this.blocks && done < n; i++, p = (p + 1) % this.blocks) {
      if (!this.live[p]) {
        this.live[p] = true;
        this.touched[p] = true;
        if (allocate) this.alloc[Math.floor(p / this.bpo)] = true;
        done++;
        last = p;
      }
    }
    if (last >= 0) this.cursor = (last + 1) % this.blocks;
    return done;
  }
  /** Into freed blocks only (free, touched before), from start to the end or 32·span blocks on. */
  writeFreed(start: number, n: number, span: number): number {
    let done = 0;
    const end = Math.min(this.blocks, (Math.floor(start / 32) + span) * 32);
    for (let p = start; p < end && done < n; p++) {
      if (!this.live[p] && this.touched[p]) {
        this.live[p] = true;
        this.alloc[Math.floor(p / this.bpo)] = true;
        done++;
      }
    }
    return done;
  }
  free(start: number, n: number, online: boolean, minDiscard: number): number {
    let p = start, done = 0;
    const runs: [number, number][] = [];
    for (let i = 0; i <= this.blocks && done < n; i++) {
      if (this.live[p]) {
        this.live[p] = false;
        done++;
        const r = runs[runs.length - 1];
        if (r && r[1] === p) r[1] = p + 1; else runs.push([p, p + 1]);
      }
      p = (p + 1) % this.blocks;
      if (p === 0) runs.push([-10, -10]);
    }
    if (online) {
      for (const [s, e] of runs) {
        if (e - s < minDiscard) continue;
        for (let o = Math.ceil(s / this.bpo); o < Math.floor(e / this.bpo); o++) this.drop(o);
      }
    }
    return done;
  }
  trim(): void {
    for (let o = 0; o < this.alloc.length; o++) {
      let any = false;
      for (let b = o * this.bpo; b < (o + 1) * this.bpo; b++) any ||= this.live[b];
      if (!any) this.drop(o);
    }
  }
  drop(o: number): void {
    if (o * this.bpo < this.overlap || !this.alloc[o]) return;
    this.alloc[o] = false;
    this.reclaimed += this.bpo;
  }
}

type Op = { kind: 'write'; n: number } | { kind: 'freed'; start: number; n: number; span: number }
  | { kind: 'free'; start: number; n: number } | { kind: 'trim' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), n: fc.integer({ min: 0, max: 200 }) }),
  fc.record({ kind: fc.constant('freed' as const), start: fc.nat(), n: fc.integer({ min: 1, max: 150 }), span: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('free' as const), start: fc.nat(), n: fc.integer({ min: 1, max: 150 }) }),
  fc.record({ kind: fc.constant('trim' as const) }),
);

test('property: the word-parallel disk matches the per-block reference (writes at the cursor and into freed space, frees, fstrim); allocated ≤ provisioned; live data always in existing objects; no discard ⇒ allocated never decreases', () => {
  fc.assert(fc.property(
    fc.constantFrom(1, 2, 4, 8, 32, 64),       // blocks per object (64: objects span words)
    fc.integer({ min: 1, max: 12 }),            // objects
    fc.constantFrom('none', 'online', 'fstrim'),
    fc.constantFrom(1, 3, 16),                  // min discard in blocks
    fc.integer({ min: 0, max: 4 }),             // overlap objects (clone)
    fc.array(opArb, { maxLength: 40 }),
    (bpo, objects, mode, minDiscard, overlapObjects, ops) => {
      const block = 4 * KiB;
      const ov = Math.min(overlapObjects, objects);
      const d = new RbdDisk(objects * bpo * block, bpo * block, block, ov * bpo * block, new WordPool());
      const ref = new Reference(objects * bpo, bpo, ov * bpo);
      const parent = Math.floor(ov * bpo / 2);
      d.markParentData(parent);
      ref.write(parent, false);
      let prevAlloc = d.allocBlocks;
      for (const op of ops) {
        if (op.kind === 'write') {
          assert.equal(d.write(op.n), ref.write(op.n));
        } else if (op.kind === 'freed') {
          const start = op.start % d.blocks;
          assert.equal(d.writeFreed(start, op.n, op.span), ref.writeFreed(start, op.n, op.span));
        } else if (op.kind === 'free') {
          const start = op.start % d.blocks;
          assert.equal(d.free(start, op.n, mode === 'online', minDiscard), ref.free(start, op.n, mode === 'online', minDiscard));
        } else if (mode === 'fstrim') {
          d.trim();
          ref.trim();
        }
        for (let b = 0; b < d.blocks; b++) {
          assert.equal(d.isLive(b), ref.live[b], `live block ${b}`);
          assert.equal(d.isTouched(b), ref.touched[b], `touched block ${b}`);
          if (d.isLive(b)) assert.ok(d.isTouched(b), 'live data is in touched blocks');
          assert.equal(d.isAllocated(b), ref.alloc[Math.floor(b / bpo)], `object of block ${b}`);
          if (b >= ov * bpo && d.isLive(b)) assert.ok(d.isAllocated(b), 'live data outside the parent overlap is in an existing object');
        }
        assert.equal(d.liveBlocks, ref.live.filter(Boolean).length);
        assert.equal(d.allocBlocks, ref.alloc.filter(Boolean).length * bpo);
        assert.equal(d.reclaimedBlocks, ref.reclaimed);
        assert.ok(d.allocBlocks <= d.blocks, 'allocated ≤ provisioned');
        if (mode === 'none') assert.ok(d.allocBlocks >= prevAlloc, 'without discard allocated never decreases');
        prevAlloc = d.allocBlocks;
      }
    },
  ), { numRuns: 300 });
});
