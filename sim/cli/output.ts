import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { RunResult } from '../montecarlo/run.js';

/**
 * The output folder is written to a temporary sibling and renamed into place at the end, so a
 * failed or interrupted run never leaves a half-written folder where the last good one was.
 */
export class OutputFolder {
  readonly tmp: string;
  constructor(readonly dir: string) {
    this.tmp = `${resolve(dir)}.tmp-${process.pid}`;
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  write(name: string, data: string | Uint8Array): void {
    const p = join(this.tmp, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, data);
  }

  commit(): void {
    const final = resolve(this.dir);
    const old = `${final}.old-${process.pid}`;
    if (existsSync(final)) renameSync(final, old);
    renameSync(this.tmp, final);
    rmSync(old, { recursive: true, force: true });
  }

  abandon(): void {
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Wide CSV: one row per (study, design, sweep point, replication); a column per metric of any study. */
export function replicationsCsv(run: RunResult): string {
  const metricCols: string[] = [];
  for (const s of run.studies) for (const m of Object.keys(s.plan.definition.metrics)) if (!metricCols.includes(m)) metricCols.push(m);
  const lines = [['study', 'design', 'sweep_parameter', 'sweep_value', 'replication', ...metricCols].join(',')];
  for (const s of run.studies) {
    const names = Object.keys(s.plan.definition.metrics);
    s.plan.variants.forEach((v, vi) => {
      for (let r = 0; r < Math.min(s.replications, v.replications); r++) {
        const cells = new Array<string>(metricCols.length).fill('');
        names.forEach((m, k) => { cells[metricCols.indexOf(m)] = num(s.values[r * s.layout.stride + s.layout.offsets[vi] + k]); });
        lines.push([s.plan.name, csv(v.design), csv(v.sweep?.parameter ?? ''), csv(String(v.sweep?.value ?? '')), String(r), ...cells].join(','));
      }
    });
  }
  return lines.join('\n') + '\n';
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '' : v > 0 ? 'Infinity' : '-Infinity';
}

function csv(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
