/**
 * The decision at the top of report.html's executive summary: one sentence per question (what to
 * configure and what it costs, per target), what no design survives, ties; then the evidence —
 * `headroom check` for every design and the sizing table.
 */
import type { DecisionData } from '../sim/montecarlo/decision.js';
import { escapeHtml } from './escape.js';
import { answerText, checkSentences, costText, decisionQuestions, formatKnobValue, knobName, targetText, tieSentences } from './decision.js';

export function checksTable(d: DecisionData): string {
  const parts: string[] = [];
  for (const [study, byDesign] of Object.entries(d.checks)) {
    const designs = Object.keys(byDesign);
    const kinds = [...new Set(designs.flatMap((x) => Object.keys(byDesign[x])))];
    const rows = designs.map((x) => `<tr><td>${escapeHtml(x)}</td>${kinds.map((k) => {
      const c = byDesign[x][k];
      if (!c) return '<td></td>';
      return c.passed
        ? `<td class="ok">passes (${c.failures} failures)</td>`
        : `<td class="failed">fails: ${c.stranding} of ${c.failures} strand instances${c.worst ? `; worst ${escapeHtml(c.worst)}` : ''}</td>`;
    }).join('')}</tr>`);
    parts.push(`<table class="stats checks" data-study="${escapeHtml(study)}"><caption><code>headroom check</code> (${escapeHtml(study)}): every single host (N+1), every pair (N+2) and every rack fails once from the initial placement and is host-evacuated through the scheduler — deterministic.</caption>
<thead><tr><th>Design</th>${kinds.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`);
  }
  return parts.join('\n');
}

export function sizingTable(d: DecisionData): string {
  const answers = d.sizing?.answers ?? [];
  if (answers.length === 0) return '';
  const rows = answers.map((a) => `<tr class="${a.answer ? 'ok' : 'failed'}"><td>${escapeHtml(a.design)}</td><td><code>${escapeHtml(knobName(a.knob))}</code></td><td>${escapeHtml(targetText(a))}</td>`
    + `<td>${a.answer ? escapeHtml(answerText(a)) : `<strong>cannot</strong> in ${escapeHtml(formatKnobValue(a.range[0], a.unit))}–${escapeHtml(formatKnobValue(a.range[1], a.unit))}`}</td>`
    + `<td>${a.answer ? escapeHtml(costText(a, d.reference[a.study] ?? 'the reference')) : ''}</td><td class="num">${a.kind === 'check' ? `${a.evaluations.length} check${a.evaluations.length === 1 ? '' : 's'}` : a.replications}</td></tr>`);
  return `<table class="stats sizing"><caption>Sizing (<code>headroom size</code>): per design, the least setting of its knob that meets each target, searched by bisection on common random numbers (${d.sizing!.replications} replications in all; a sweep of every grid point at the budget would run ${d.sizing!.sweepReplications}).</caption>
<thead><tr><th>Design</th><th>Knob</th><th>Target</th><th>Configure</th><th>Cost</th><th>Replications</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

export function decisionHtml(d: DecisionData | undefined): string {
  if (!d) return '';
  const sentences = [...decisionQuestions(d).map((q) => q.sentence), ...checkSentences(d), ...tieSentences(d)];
  return `<div class="decision" id="decision">
${sentences.length ? `<ul class="answers decision-sentences">${sentences.map((s) => `<li>${escapeHtml(s)}</li>`).join('\n')}</ul>` : ''}
${checksTable(d)}
${sizingTable(d)}
</div>`;
}
