/**
 * The decision a capacity review must end in, in plain sentences: what to configure, what it
 * costs, what it does not protect against — from summary.json's `decision` block (targets,
 * `headroom check` results, ties, the sizing answers) and nothing else. docs/sizing.md.
 */
import type { SizingAnswer } from '../sim/montecarlo/sizing.js';
import type { DecisionData } from '../sim/montecarlo/decision.js';
import { formatNumber, formatValue } from './format.js';

const BYTE_FACTORS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };

/** A knob value as an operator reads it: 32768 MiB → "32 GiB", 3 hosts → "3 hosts". */
export function formatKnobValue(v: number, unit: string): string {
  if (unit in BYTE_FACTORS) return formatValue(v * BYTE_FACTORS[unit], 'B');
  if (unit === '') return formatNumber(v);
  if (unit === 'hosts' || unit === 'host') return `${formatNumber(v)} ${v === 1 ? 'host' : 'hosts'}`;
  return `${formatNumber(v)} ${unit}`;
}

/** The knob's last path step, as nova.conf and the scenario spell it. */
export function knobName(parameter: string): string {
  return parameter.split('.').pop() ?? parameter;
}

/** What a deterministic check asks of the cloud. */
function checkScope(check: string): string {
  return `every ${check === 'rack' ? 'rack' : check === 'N+2' ? 'pair of hosts' : 'single host'} failing once strands nothing`;
}

/** "P(any instance stranded) ≤ 1 % at 95 % confidence, host failures" or "N+1 check passes". */
export function targetText(a: Pick<SizingAnswer, 'kind' | 'class' | 'metric' | 'metricLabel' | 'metricUnit' | 'max' | 'min' | 'confidence'>): string {
  const unit = a.metricUnit;
  if (a.kind === 'check') return `the ${a.class} check passes (${checkScope(a.class)})`;
  const bound = a.max !== undefined ? `≤ ${formatValue(a.max, unit)}` : `≥ ${formatValue(a.min!, unit)}`;
  const cls = a.class === 'all' ? 'all failures' : `${a.class} failures only`;
  return `${a.metricLabel ?? a.metric} ${bound} at ${formatValue(a.confidence!, 'fraction')} confidence (${cls})`;
}

/** The question a target asks, as the start of a sentence: "To keep … ≤ 1 % …" or "To pass the N+1 check (…)". */
export function questionText(a: Pick<SizingAnswer, 'kind' | 'class' | 'metric' | 'metricLabel' | 'metricUnit' | 'max' | 'min' | 'confidence'>): string {
  if (a.kind === 'check') return `To pass the ${a.class} check (${checkScope(a.class)})`;
  return `To keep ${targetText(a)}`;
}

/** A setting that lets guests commit more RAM than the hosts have: the target does not see that risk. */
export function overcommits(a: SizingAnswer): boolean {
  return a.answer !== null && knobName(a.knob) === 'ram_allocation_ratio' && a.answer.configure > 1;
}

/** "32 GiB (between 28 GiB and 32 GiB)" or "0 hosts (already met at the range's end)". */
export function answerText(a: SizingAnswer): string {
  if (!a.answer) return 'cannot';
  const { lo, hi, configure } = a.answer;
  const v = formatKnobValue(configure, a.unit);
  if (lo === hi) return `${v} (already met at the end of the range searched)`;
  const below = formatKnobValue(configure === hi ? lo : hi, a.unit);
  return a.kind === 'check'
    ? `${v} (exact: at ${below} the check fails)`
    : `${v} (at ${below} it is not shown at ${formatValue(a.confidence!, 'fraction')} confidence)`;
}

export function costText(a: SizingAnswer, reference: string): string {
  if (!a.cost) return '';
  const c = a.cost;
  const lost = c.instancesLost > 0 ? `${formatNumber(c.instancesLost)} instances fewer than ${reference}` : c.instancesLost < 0 ? `${formatNumber(-c.instancesLost)} instances more than ${reference}` : `as many instances as ${reference}`;
  return `holds back ${formatValue(c.heldBackBytes, 'B')} of RAM (${formatValue(c.heldBackFraction, 'fraction')} of the cloud), ${lost}`;
}

function bestText(a: SizingAnswer): string {
  const b = a.best;
  if (a.kind === 'check') return `best ${formatKnobValue(b.value, a.unit)}: ${b.stranding ?? '?'} of ${b.failures ?? '?'} failures still strand instances${b.worst ? ` (worst ${b.worst})` : ''}`;
  return `best ${formatKnobValue(b.value, a.unit)}: ${formatValue(b.estimate ?? NaN, 'fraction')} (upper bound ${formatValue(b.upper ?? NaN, 'fraction')})`;
}

/** Cheapest first: fewest instances lost, then least RAM held back. */
function byCost(a: SizingAnswer, b: SizingAnswer): number {
  return (a.cost!.instancesLost - b.cost!.instancesLost) || (a.cost!.heldBackBytes - b.cost!.heldBackBytes);
}

export interface Question {
  study: string;
  target: string;
  /** One plain sentence: what to configure and what it costs, or that nothing in range does it (with the alternatives). */
  sentence: string;
  /** The same answer in a line a slide can carry at 18 pt. */
  short: string;
  answers: SizingAnswer[];
}

/** One sentence per target of each study (the questions), from the sizing answers. */
export function decisionQuestions(d: DecisionData | undefined): Question[] {
  const answers = d?.sizing?.answers ?? [];
  const out: Question[] = [];
  const keys = [...new Set(answers.map((a) => `${a.study}\u0000${a.target}`))];
  for (const key of keys) {
    const [study, target] = key.split('\u0000');
    const group = answers.filter((a) => a.study === study && a.target === target);
    const reference = d?.reference?.[study] ?? 'the reference design';
    // Overcommit meets a stranding target by selling RAM the hosts do not have: never the recommendation.
    const met = group.filter((a) => a.answer && !overcommits(a)).sort(byCost);
    const over = group.filter(overcommits);
    const cannot = group.filter((a) => !a.answer);
    let sentence: string;
    let short: string;
    const q = questionText(group[0]);
    if (met.length === 0 && over.length === 0) {
      sentence = `${q}: no strategy can, anywhere in the ranges searched — ${group.map((a) => `${a.design} ${bestText(a)}`).join('; ')}.`;
      short = `${q}: no strategy can within the ranges searched.`;
    } else if (met.length === 0) {
      sentence = `${q}, only overcommit works, and only on paper: ${over.map(overcommitText).join('; ')}.`;
      short = `${q}: only by overcommitting RAM (${over.map((a) => `${a.design} ${formatKnobValue(a.answer!.configure, a.unit)}`).join(', ')}).`;
    } else {
      const [first, ...rest] = met;
      sentence = `${q}: configure ${first.design} with ${knobName(first.knob)} = ${answerText(first)}; it ${costText(first, reference)}.`;
      const others: string[] = [];
      if (rest.length) others.push(`dearer: ${rest.map((a) => `${a.design} ${formatKnobValue(a.answer!.configure, a.unit)} (${formatValue(a.cost!.heldBackFraction, 'fraction')})`).join(', ')}`);
      if (cannot.length) others.push(`cannot: ${cannot.map((a) => a.design).join(', ')}`);
      if (others.length) sentence += ` Others — ${others.join('; ')}.`;
      if (over.length) sentence += ` ${capitalise(over.map(overcommitText).join('; '))}.`;
      short = `${q}: ${first.design}, ${knobName(first.knob)} = ${formatKnobValue(first.answer!.configure, first.unit)} — ${formatValue(first.cost!.heldBackFraction, 'fraction')} of RAM held back${first.cost!.instancesLost > 0 ? `, ${formatNumber(first.cost!.instancesLost)} instances fewer` : ''}.`;
    }
    out.push({ study, target, sentence, short, answers: group });
  }
  return out;
}

function overcommitText(a: SizingAnswer): string {
  const r = a.answer!.configure;
  return `${a.design} meets it up to ${knobName(a.knob)} ${formatNumber(r)} by letting guests commit up to ${formatValue(r, 'fraction')} of a host's physical RAM, a risk (swap, OOM kills) this target does not measure`;
}

/** The checks in a slide line: what no design (or only some) survives as configured. */
export function checkShort(d: DecisionData | undefined): string[] {
  const out: string[] = [];
  for (const byDesign of Object.values(d?.checks ?? {})) {
    const designs = Object.keys(byDesign);
    const kinds = [...new Set(designs.flatMap((x) => Object.keys(byDesign[x])))];
    const none = kinds.filter((k) => designs.every((x) => !byDesign[x][k]?.passed));
    if (none.length) out.push(`As configured, no design survives ${none.map((k) => (k === 'rack' ? 'a rack failure' : k)).join(' or ')} (headroom check).`);
  }
  return out;
}

/** What the checks say no design survives: "No design survives a rack failure (N+1 passes for …)". */
export function checkSentences(d: DecisionData | undefined): string[] {
  const out: string[] = [];
  for (const [study, byDesign] of Object.entries(d?.checks ?? {})) {
    const designs = Object.keys(byDesign);
    const kinds = [...new Set(designs.flatMap((x) => Object.keys(byDesign[x])))];
    const parts: string[] = [];
    for (const kind of kinds) {
      const pass = designs.filter((x) => byDesign[x][kind]?.passed);
      const what = kind === 'rack' ? 'a rack failure' : kind === 'N+2' ? 'every double host failure (N+2)' : 'every single host failure (N+1)';
      if (pass.length === 0) parts.push(`no design survives ${what}`);
      else if (pass.length === designs.length) parts.push(`every design survives ${what}`);
      else parts.push(`only ${pass.join(', ')} survive${pass.length === 1 ? 's' : ''} ${what}`);
    }
    if (parts.length) out.push(`As configured, ${parts.join('; ')} (${study}: \`headroom check\` on the initial placement of this cloud).`);
  }
  return out;
}

/** Ties in a slide line. */
export function tieShort(d: DecisionData | undefined): string[] {
  return Object.values(d?.ties ?? {}).filter((c) => c.groups[0].length > 1)
    .map((c) => `${c.groups[0].join(', ')}: no different on ${c.label}${c.decidingClass ? ` (${c.decidingClass} failures decide it)` : ''}.`);
}

/** Designs whose paired difference on the deciding metric has a CI containing 0: "no different". */
export function tieSentences(d: DecisionData | undefined): string[] {
  const out: string[] = [];
  for (const [study, c] of Object.entries(d?.ties ?? {})) {
    const groups = c.groups.filter((g) => g.length > 1);
    if (groups.length === 0) continue;
    out.push(`${c.label} (${study}): ${groups.map((g) => g.join(', ')).join('; ')} are no different (paired 95 % CI of each difference contains 0)${c.decidingClass ? `; ${c.decidingClass} failures decide it: every replication where it happened had one` : ''}.`);
  }
  return out;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
