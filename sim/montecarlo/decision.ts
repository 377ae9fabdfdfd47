import type { LoadedScenario } from '../scenario/load.js';
import type { Target } from '../scenario/targets.js';
import { pairedDifference } from '../stats/summary.js';
import type { RunResult } from './run.js';
import type { SizingReport } from './sizing.js';

/**
 * summary.json's `decision` block: what the reports need to lead with the decision
 * (docs/sizing.md) — the scenario's targets, `headroom check` for every design, which designs
 * tie on the deciding metric (paired differences, common random numbers) and which failure class
 * decides it, and the sizing answers when the scenario declares `sizing:`.
 */
export interface CheckOutcome { passed: boolean; failures: number; stranding: number; worst?: string }

export interface TieData {
  metric: string;
  label: string;
  unit: string;
  /** Designs no different from the best one (lowest mean; highest for a `min` target), the best first. */
  groups: string[][];
  pairs: { a: string; b: string; mean: number; ci95: [number, number] }[];
  /** The failure class present in every replication where the metric was above 0 in the best group (and absent from most others). */
  decidingClass?: string;
}

export interface DecisionData {
  targets: Target[];
  /** Per study, its reference (first) design. */
  reference: Record<string, string>;
  checks: Record<string, Record<string, Record<string, CheckOutcome>>>;
  ties: Record<string, TieData>;
  sizing?: SizingReport;
}

/** The checks each design declares or a target names, for every design of every study that has them; a pure function of the scenario. */
export function checkDesigns(loaded: LoadedScenario): DecisionData['checks'] {
  const out: DecisionData['checks'] = {};
  for (const plan of loaded.studies) {
    const checks = plan.definition.sizing?.checks;
    if (!checks) continue;
    out[plan.name] = {};
    for (const v of plan.variants) {
      if (v.sweep) continue;
      const per: Record<string, CheckOutcome> = {};
      const wanted = new Set([...(plan.definition.sizing!.declaredChecks?.(v.input) ?? Object.keys(checks)),
        ...loaded.sizing.targets.filter((t) => t.study === plan.name && t.kind === 'check').map((t) => t.class)]);
      for (const [name, c] of Object.entries(checks)) {
        if (!wanted.has(name)) continue;
        const r = c.run(v.input);
        per[name] = { passed: r.passed, failures: r.failures, stranding: r.stranding, ...(r.worst && r.stranding > 0 ? { worst: `${r.worst}: ${r.worstCount} stranded` } : {}) };
      }
      out[plan.name][v.design] = per;
    }
  }
  return out;
}

export function decisionData(loaded: LoadedScenario, run: RunResult, sizing?: SizingReport): DecisionData | undefined {
  const studiesWithSizing = loaded.studies.filter((p) => p.definition.sizing);
  if (studiesWithSizing.length === 0) return undefined;
  const reference: Record<string, string> = {};
  for (const p of studiesWithSizing) reference[p.name] = p.designs[0];
  const ties: Record<string, TieData> = {};
  for (const res of run.studies) {
    const def = res.plan.definition;
    const target = loaded.sizing.targets.find((t) => t.study === res.plan.name && t.kind === 'stochastic');
    if (!def.sizing || !target || res.plan.designs.length < 2) continue;
    const names = Object.keys(def.metrics);
    const k = names.indexOf(target.metric!);
    const column = (vi: number, m: number): number[] => {
      const n = Math.min(res.replications, res.plan.variants[vi].replications);
      const out: number[] = [];
      for (let r = 0; r < n; r++) out.push(res.values[r * res.layout.stride + res.layout.offsets[vi] + m]);
      return out;
    };
    const index = new Map<string, number>();
    res.plan.variants.forEach((v, vi) => { if (!v.sweep) index.set(v.design, vi); });
    const designs = res.plan.designs.filter((d) => index.has(d));
    const mean = (d: string) => { const c = column(index.get(d)!, k); return c.reduce((a, b) => a + b, 0) / c.length; };
    const lower = target.min === undefined;
    const best = designs.reduce((a, b) => ((lower ? mean(b) < mean(a) : mean(b) > mean(a)) ? b : a));
    const pairs: TieData['pairs'] = [];
    const group = [best];
    for (const d of designs) {
      if (d === best) continue;
      const diff = pairedDifference(column(index.get(d)!, k), column(index.get(best)!, k));
      pairs.push({ a: d, b: best, mean: diff.mean, ci95: diff.ci95 });
      if (diff.ci95[0] <= 0 && diff.ci95[1] >= 0) group.push(d);
    }
    let decidingClass: string | undefined;
    for (const [cls, metric] of Object.entries(def.sizing.causes ?? {})) {
      const c = names.indexOf(metric);
      if (c < 0) continue;
      let positive = 0, withCause = 0, anyCause = 0, total = 0;
      for (const d of group) {
        const vals = column(index.get(d)!, k), cause = column(index.get(d)!, c);
        for (let r = 0; r < vals.length; r++) {
          total++;
          if (cause[r] > 0) anyCause++;
          if (vals[r] > 0) { positive++; if (cause[r] > 0) withCause++; }
        }
      }
      // Present whenever the metric is, and in at most half the replications: it is what decides.
      if (positive > 0 && withCause === positive && anyCause <= total / 2) decidingClass = cls;
    }
    ties[res.plan.name] = { metric: target.metric!, label: target.label ?? target.metric!, unit: target.unit ?? '', groups: [group], pairs, ...(decidingClass ? { decidingClass } : {}) };
  }
  return { targets: loaded.sizing.targets, reference, checks: checkDesigns(loaded), ties, ...(sizing ? { sizing } : {}) };
}
