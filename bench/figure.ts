/**
 * One measured figure of `npm run bench`. Suites return these; bench/run.ts collects them into
 * bench/results.json (github-action-benchmark's customBiggerIsBetter / customSmallerIsBetter shape)
 * and a Markdown table. `ratioToCeiling` is filled by the runner: the figure divided by the plain
 * typed-array heap loop measured in the same run, so results from different machines compare.
 */
export interface BenchFigure {
  /** Name with its unit, e.g. "engine hold model (events/s)". */
  name: string;
  unit: string;
  value: number;
  biggerIsBetter: boolean;
  /** Free text: sizes, replication counts. */
  extra?: string;
}

/** A suite: `quick` runs small sizes (CI smoke: proves the code runs, no timing assertions). */
export type BenchSuite = (opts: { quick: boolean }) => Promise<BenchFigure[]>;
