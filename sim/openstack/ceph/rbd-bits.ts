/**
 * Word-level helpers for the RBD disk bitsets (Uint32Array words, bit i of word w = block 32w+i).
 */

/** Number of set bits of a 32-bit word. */
export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Index of the lowest set bit (x ≠ 0). */
export function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Index of the highest set bit (x ≠ 0). */
export function highestBit(x: number): number {
  return 31 - Math.clz32(x);
}

/** For each byte value and k < its popcount: the index of its k-th lowest set bit (select within a byte). */
const BYTE_SELECT = new Uint8Array(256 * 8);
for (let v = 0; v < 256; v++) for (let b = 0, k = 0; b < 8; b++) if (v & (1 << b)) BYTE_SELECT[v * 8 + k++] = b;

/**
 * The `n` lowest set bits of `x` (1 ≤ n ≤ popcount(x)). Branch-free: byte popcounts and their
 * prefix sums in one word, the byte holding the n-th set bit found by a bytewise compare, the bit
 * inside it from a table. (A bit-at-a-time loop ran up to 31 times with a mispredicted exit, on
 * the last word of every write and delete: the hottest line of the study.)
 */
export function lowestSetBits(x: number, n: number): number {
  let b = x - ((x >>> 1) & 0x55555555);
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  b = (b + (b >>> 4)) & 0x0f0f0f0f;
  const prefix = Math.imul(b, 0x01010101); // byte i: set bits in bytes 0..i (≤ 32, so no carries)
  const reached = ((prefix | 0x80808080) - Math.imul(n, 0x01010101)) & 0x80808080; // bytes with prefix ≥ n
  const shift = (31 - Math.clz32(reached & -reached)) & ~7;
  const before = shift === 0 ? 0 : (prefix >>> (shift - 8)) & 0xff;
  const pos = shift + BYTE_SELECT[(((x >>> shift) & 0xff) << 3) + n - before - 1];
  return x & ((2 << pos) - 1); // pos 31: 2 << 31 is 0, the mask all ones
}

/** Mask of bits `from`..31 (from in 0..31). */
export function bitsFrom(from: number): number {
  return (~0 << from) | 0;
}

/**
 * Groups of `g` consecutive bits (g a power of two ≤ 32, groups aligned in the word) — one RADOS
 * object's blocks. `anyOf`/`allOf` give, for each group, all its bits set when any/all of its bits
 * are set in x; word-parallel, a few shifts for any g.
 */
export class Groups {
  readonly low: number;
  constructor(readonly g: number) {
    if (!(g >= 1 && g <= 32 && (g & (g - 1)) === 0)) throw new RangeError(`group size must be a power of two in 1..32, got ${g}`);
    let low = 0;
    for (let i = 0; i < 32; i += g) low |= 1 << i;
    this.low = low;
  }

  // Unrolled (predictable branches on g): these run on every word a write or a delete touches.
  anyOf(x: number): number {
    const g = this.g;
    if (g >= 2) x |= x >>> 1;
    if (g >= 4) x |= x >>> 2;
    if (g >= 8) x |= x >>> 4;
    if (g >= 16) x |= x >>> 8;
    if (g >= 32) x |= x >>> 16;
    return this.spread(x & this.low);
  }

  allOf(x: number): number {
    const g = this.g;
    if (g >= 2) x &= x >>> 1;
    if (g >= 4) x &= x >>> 2;
    if (g >= 8) x &= x >>> 4;
    if (g >= 16) x &= x >>> 8;
    if (g >= 32) x &= x >>> 16;
    return this.spread(x & this.low);
  }

  /** Each set group-low bit filled up to its whole group. */
  spread(z: number): number {
    const g = this.g;
    if (g >= 2) z |= z << 1;
    if (g >= 4) z |= z << 2;
    if (g >= 8) z |= z << 4;
    if (g >= 16) z |= z << 8;
    if (g >= 32) z |= z << 16;
    return z;
  }
}
