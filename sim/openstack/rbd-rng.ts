import seedrandom from 'seedrandom';
import type { Rng, Streams } from '../random/streams.js';

/**
 * The numbers of `streams.stream(name)` (seedrandom's alea, `double()`), with the generator's
 * state in a Float64Array. The RBD study draws ≈ 25 M uniforms per replication from its guest
 * streams; seedrandom keeps the state in object properties, and its carry (an int32) does not fit
 * a V8 small integer, so each step boxes a number: measured ≈ 10 % of the study's CPU time. The
 * seed string is the one Streams uses (`seed/replication/name`); test/rbd checks that both give
 * the same numbers.
 */
export class AleaStream implements Rng {
  private readonly s: Float64Array;
  constructor(seed: string) {
    const st = seedrandom.alea(seed, { state: true }).state();
    this.s = Float64Array.of(st.s0, st.s1, st.s2, st.c);
  }

  /** Uniform on [0, 1): two alea steps, 53 random bits, as seedrandom's `double()`. */
  next(): number {
    const s = this.s;
    let t = 2091639 * s[0] + s[3] * 2.3283064365386963e-10; // 2^-32
    let c = t | 0;
    const a = t - c;
    t = 2091639 * s[1] + c * 2.3283064365386963e-10;
    c = t | 0;
    const b = t - c;
    s[0] = s[2];
    s[1] = a;
    s[2] = b;
    s[3] = c;
    return a + ((b * 0x200000) | 0) * 1.1102230246251565e-16; // 2^-53
  }
}

/** The stream `name` of `streams`, as an AleaStream (a fresh one: not shared with streams.stream(name)). */
export function aleaStream(streams: Streams, name: string): AleaStream {
  return new AleaStream(`${streams.seed}/${streams.replication}/${name}`);
}
