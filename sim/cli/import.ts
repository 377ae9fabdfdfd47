import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ImportError, type ImportIssue } from '../scenario/import/bundle.js';
import { importBundle } from '../scenario/import/import.js';

/** Examples printed per rule; the rest are counted. */
const PER_RULE = 5;

/**
 * `headroom import FILES…|OUTDIR [--racks MAP|PATTERN] [--out FILE] [--anonymize] [--strict]`:
 * the bundle → a scenario, validated (pinned instances fit-checked) before it is written.
 * Warnings (skipped rows, raised ratios, guessed racks) go to stderr, at most five per rule;
 * a refusal prints every refusing problem, writes nothing and exits 2.
 */
export async function importCommand(inputs: string[], opts: { racks?: string; out?: string; anonymize?: boolean; strict?: boolean; name?: string }): Promise<number> {
  if (opts.anonymize && opts.out === undefined) {
    console.error('headroom import: --anonymize needs --out FILE (the name mapping is written beside it, never into it)');
    return 2;
  }
  let result;
  try {
    result = importBundle(inputs, opts);
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    printIssues(e.issues.filter((i) => !i.refuse), 'warning: ');
    printIssues(e.issues.filter((i) => i.refuse), '', Infinity);
    console.error('headroom import: refused, nothing written');
    return 2;
  }
  printIssues(result.warnings, 'warning: ');
  const inv = result.inventory;
  if (opts.out === undefined) process.stdout.write(result.yaml);
  else {
    writeAtomic(opts.out, result.yaml);
    if (result.mapping !== undefined) writeAtomic(mappingPath(opts.out), `${JSON.stringify(result.mapping, null, 2)}\n`);
  }
  const racks = new Set(inv.hosts.map((h) => h.rack)).size;
  console.error(`headroom import: ${opts.out ?? 'stdout'}: ${inv.hosts.length} hosts in ${racks} racks, ${inv.serversKept} of ${inv.serversRead} servers as ${inv.instances.length} instance lines, ${inv.groups.length} server groups, ${result.warnings.length} warnings`
    + (result.mapping !== undefined ? `; names in ${mappingPath(opts.out!)}` : ''));
  return 0;
}

/** The anonymisation mapping sits beside the scenario: `x.yaml` → `x.names.json`. */
export function mappingPath(out: string): string {
  return out.replace(/\.ya?ml$/i, '') + '.names.json';
}

function writeAtomic(file: string, text: string): void {
  const final = resolve(file);
  mkdirSync(dirname(final), { recursive: true });
  const tmp = `${final}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, final);
}

function printIssues(issues: ImportIssue[], prefix: string, limit = PER_RULE): void {
  const seen = new Map<string, number>();
  for (const i of issues) {
    const n = (seen.get(i.rule) ?? 0) + 1;
    seen.set(i.rule, n);
    if (n <= limit) console.error(prefix + i.message);
  }
  for (const [rule, n] of seen) if (n > limit) console.error(`${prefix}… and ${n - limit} more like the above (${rule})`);
}
