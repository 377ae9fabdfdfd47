/**
 * report.html: one self-contained file (inline CSS, SVG and scripts, no external URL) that an
 * architect can mail around and open offline; its charts come alive with the inlined Vega
 * (interactive.ts) and print to the page width (the @media print rules). Order: what was run, the answers, then per study
 * its charts and tables, then assumptions (the scenario as run) and how to reproduce it.
 */
import type { MetricStats, RunInfo, ScenarioEcho, StudySummary, Summary } from './summary.js';
import { displayScale, labelOf, metricNames, studyWarnings } from './summary.js';
import { formatScaled, formatValue, metricText } from './format.js';
import { executiveSentence, notReached } from './narrative.js';
import type { WrittenChart } from './charts/write.js';

import { escapeHtml } from './escape.js';
import { decisionHtml } from './decision-html.js';
import { EMBED_SCRIPT, libraryScripts, specScript } from './interactive.js';
import { compileSpec } from './charts/render.js';

export { escapeHtml };

/**
 * Vega numbers its clip paths and gradients from 1 in every SVG; inlined side by side they would
 * collide and one chart would clip to another's rectangle. Prefix every id and its references.
 */
export function uniquifyIds(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]+)"/g, (_m, id) => ` id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id) => `href="#${prefix}-${id}"`);
}

function figure(c: WrittenChart): string {
  const svg = uniquifyIds(c.svg.replace(/<\?xml[^>]*>/, ''), c.chart.name)
    .replace('<svg', `<svg role="img" aria-label="${escapeHtml(c.chart.title)}"`);
  return `<figure class="chart" id="chart-${c.chart.name}" data-chart="${c.chart.name}">
<div class="static">${svg}</div>
<div class="live" role="img" aria-label="${escapeHtml(c.chart.title)}"></div>
${specScript(compileSpec(c.chart.spec))}
<figcaption>${escapeHtml(c.chart.caption)} <span class="files">(${escapeHtml(c.files.spec)}, ${escapeHtml(c.files.png)})</span></figcaption>
</figure>`;
}

function statsRow(study: StudySummary, stats: MetricStats[], design: string[], metric: string, withNonFinite: boolean, horizon?: number): string {
  const scale = displayScale(study, metric);
  const f = (x: number) => formatScaled(x / scale.divisor, scale);
  const desc = stats[0].description ? ` title="${escapeHtml(stats[0].description)}"` : '';
  // A censored time or a heavy-tailed metric is told in words; its mean and quantiles would mislead.
  const cells = (s: MetricStats) => (s.reached && s.kind === 'time-to-event') || s.heavyTailed
    ? `<td colspan="4">${escapeHtml(metricText(s, horizon, scale))}</td>`
    : `<td class="num">${f(s.mean)}</td><td class="num">${f(s.ci95[0])} – ${f(s.ci95[1])}</td><td class="num">${f(s.p50)}</td><td class="num">${f(s.p95)}</td>`;
  return stats.map((s, i) => `<tr>${i === 0 ? `<th rowspan="${stats.length}" scope="rowgroup"${desc}>${escapeHtml(labelOf(study, metric))}<div class="metric-id">${escapeHtml(metric)}</div></th><td rowspan="${stats.length}">${escapeHtml(scale.label || '–')}</td>` : ''}`
    + `<td>${escapeHtml(design[i])}</td>${cells(s)}`
    + (withNonFinite ? `<td class="num">${s.nonFinite ? `${s.nonFinite} of ${s.n + s.nonFinite}` : ''}</td>` : '') + '</tr>').join('\n');
}

function summaryTable(study: StudySummary, horizon?: number): string {
  const rows: string[] = [];
  const nonFinite = Object.values(study.designs).some((d) => Object.values(d.metrics).some((m) => (m.nonFinite ?? 0) > 0));
  for (const metric of metricNames(study)) {
    const designs = Object.keys(study.designs).filter((d) => study.designs[d].metrics[metric]);
    if (designs.length === 0) continue;
    rows.push(statsRow(study, designs.map((d) => study.designs[d].metrics[metric]), designs, metric, nonFinite, horizon));
  }
  const first = Object.values(study.designs)[0]?.metrics[metricNames(study)[0]];
  const n = first ? first.n + (first.nonFinite ?? 0) : undefined;
  return `<table class="stats"><caption>Per design, over ${n ?? '?'} replications. 0/1 metrics (probabilities) carry the Wilson interval; a t interval reaching below zero for a metric that cannot is cut at zero.${nonFinite ? ' "Not reached": replications where the value never happened within the horizon (left out of the statistics).' : ''}</caption>
<thead><tr><th>Metric</th><th>Unit</th><th>Design</th><th>Mean</th><th>95 % CI</th><th>p50</th><th>p95</th>${nonFinite ? '<th>Not reached</th>' : ''}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** A difference of percentages (probabilities, shares) is in percentage points, not percent. */
function points(label: string): string {
  return label === '%' ? 'percentage points' : label;
}

function differencesTable(study: StudySummary, horizon?: number): string {
  const diffs = study.differences ?? {};
  const designs = Object.keys(diffs);
  if (designs.length === 0) return '';
  const base = Object.keys(study.designs)[0];
  const rows: string[] = [];
  for (const design of designs) {
    for (const [metric, d] of Object.entries(diffs[design])) {
      const scale = displayScale(study, metric);
      const f = (x: number) => formatScaled(x / scale.divisor, scale);
      const clear = d.ci95 && (d.ci95[0] > 0 || d.ci95[1] < 0);
      const cut = [design, base].some((x) => { const m = study.designs[x]?.metrics[metric]; return m && notReached(m, horizon); });
      rows.push(`<tr><td>${escapeHtml(design)}</td><td>${escapeHtml(labelOf(study, metric))}</td><td>${escapeHtml(points(scale.label) || '–')}</td><td class="num">${cut ? '≥ ' : ''}${f(d.mean)}</td><td class="num">${d.ci95 ? `${f(d.ci95[0])} – ${f(d.ci95[1])}` : 'n/a'}</td><td>${clear ? 'yes' : 'no'}${cut ? ' (not reached within the horizon: a bound)' : ''}</td></tr>`);
    }
  }
  return `<table class="stats diffs"><caption>Paired differences against ${escapeHtml(base)} (same random numbers in both designs)</caption>
<thead><tr><th>Design</th><th>Metric</th><th>Unit</th><th>Mean difference</th><th>95 % CI</th><th>CI excludes 0</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}


const CSS = `
body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#222;max-width:1080px;margin:0 auto;padding:24px 32px;line-height:1.45}
h1{font-size:30px;margin:0 0 4px}h2{font-size:24px;margin-top:48px;border-bottom:2px solid #4c78a8;padding-bottom:4px}
h3{font-size:18px;margin-top:28px}.meta{color:#555}.question{font-style:italic;color:#333}
.answers li{margin:8px 0}.chart{margin:20px 0;padding:8px;border:1px solid #e3e3e3;border-radius:6px;overflow-x:auto}
.chart svg{width:100%;max-width:860px;height:auto;display:block}figcaption{color:#555;font-size:14px;margin-top:6px}
.files{color:#999;font-size:12px}table{border-collapse:collapse;margin:12px 0;font-size:14px;width:100%}
caption{text-align:left;color:#555;padding:4px 0}th,td{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:#f3f6fa}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.metric-id{font-weight:normal;color:#999;font-size:11px;font-family:'DejaVu Sans Mono',monospace}
.warnings li{color:#8a4b00}tr.failed td{background:#fde8e8}pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:12px;overflow-x:auto;font-size:13px}
nav a{margin-right:14px}
.chart .live:empty{display:none}figure.chart[data-live] .static{display:none}.chart .live svg{max-width:100%;height:auto}
#vg-tooltip-element{font-family:'DejaVu Sans',Verdana,sans-serif;font-size:13px}
@media print{
@page{margin:15mm}
body{max-width:none;padding:0;margin:0;font-size:11pt}
nav,.vega-embed details,.vega-actions,#vg-tooltip-element{display:none!important}
.chart{overflow:visible;border:none;padding:0;break-inside:avoid;page-break-inside:avoid}
.chart svg{width:100%!important;max-width:100%!important;height:auto!important}
.chart .vega-embed{display:block;width:100%;padding-right:0!important}
h2,h3{break-after:avoid;page-break-after:avoid}
table{table-layout:fixed;width:100%}th,td{overflow-wrap:anywhere;word-break:break-word}td.num{white-space:normal}
tr,thead{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}
pre{white-space:pre-wrap;overflow-wrap:anywhere;overflow:visible}
.files{display:none}
}`;

function expectations(summary: Summary): string {
  const results = summary.expect ?? [];
  if (results.length === 0) return '';
  const rows = results.map((b) => {
    const [study, metric] = b.key.split('.');
    const unit = summary.studies[study]?.designs[b.design]?.metrics[metric]?.unit;
    const bound = [b.min !== undefined ? `≥ ${formatValue(b.min, unit)}` : '', b.max !== undefined ? `≤ ${formatValue(b.max, unit)}` : ''].filter(Boolean).join(' and ');
    return `<tr class="${b.ok ? 'ok' : 'failed'}"><td>${escapeHtml(b.key)}</td><td>${escapeHtml(b.design)}</td><td class="num">${escapeHtml(formatValue(b.value, unit))}</td><td>${escapeHtml(bound)}</td><td>${b.ok ? 'met' : '<strong>FAILED</strong>'}</td></tr>`;
  });
  const failed = results.filter((b) => !b.ok).length;
  return `<section id="expect"><h2>Expectations</h2>
<p>${failed ? `<strong>${failed} of ${results.length} bounds failed.</strong>` : `All ${results.length} bounds of the scenario's <code>expect:</code> are met.`}</p>
<table class="stats"><thead><tr><th>Bound</th><th>Design</th><th>Value</th><th>Required</th><th>Result</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></section>`;
}

export interface HtmlInput {
  summary: Summary;
  /** The parsed scenario (for closed forms of validation studies), when it parses. */
  scenario: ScenarioEcho;
  run: RunInfo;
  charts: WrittenChart[];
}

export function renderHtml({ summary, scenario, run, charts }: HtmlInput): string {
  const studies = Object.entries(summary.studies);
  const answers = studies.map(([, s]) => `<li><strong>${escapeHtml(s.title)}.</strong> <span class="question">${escapeHtml(s.question)}</span><br>${escapeHtml(executiveSentence(s, summary.horizon))}</li>`);
  const sections = studies.map(([name, s]) => {
    const figs = charts.filter((c) => c.chart.study === name).map(figure);
    const warns = studyWarnings(s);
    return `<section class="study" id="study-${escapeHtml(name)}">
<h2>${escapeHtml(s.title)}</h2>
<p class="question">${escapeHtml(s.question)}</p>
<p>${escapeHtml(executiveSentence(s, summary.horizon))}</p>
${figs.join('\n')}
<h3>Summary table</h3>
${summaryTable(s, summary.horizon)}
${differencesTable(s, summary.horizon)}
${warns.length ? `<h3>Warnings</h3><ul class="warnings">${warns.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
</section>`;
  });
  const renderWarnings = charts.flatMap((c) => c.warnings.map((w) => `${c.chart.name}: ${w}`));
  const date = run.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(summary.title ?? summary.scenario)} — headroom capacity report</title>
<style>${CSS}</style></head>
<body>
<header>
<h1>${escapeHtml(summary.title ?? summary.scenario)}</h1>
${summary.description ? `<p>${escapeHtml(summary.description)}</p>` : ''}
<p class="meta">headroom capacity report${summary.title !== undefined ? ` · scenario ${escapeHtml(summary.scenario)}` : ''} · ${escapeHtml(date)} · ${summary.replications} replications per design${summary.horizon ? ` · horizon ${escapeHtml(formatValue(summary.horizon, 's'))} simulated` : ''} · seed ${summary.seed} · headroom ${escapeHtml(run.version || summary.version)}</p>
<nav>${studies.map(([name, s]) => `<a href="#study-${escapeHtml(name)}">${escapeHtml(s.title)}</a>`).join('')}<a href="#assumptions">Assumptions</a><a href="#reproduce">Reproduce</a></nav>
</header>
<section id="summary"><h2>Executive summary</h2>
${decisionHtml(summary.decision)}
<ul class="answers">${answers.join('\n')}</ul>
<p class="meta">Every number is a mean over replications with its 95 % confidence interval (Student t; Wilson for probabilities). Designs are compared with common random numbers: the same failures, hangs and workloads hit every design, so paired differences are tighter than the separate intervals suggest.</p>
</section>
${expectations(summary)}
${sections.join('\n')}
<section id="assumptions"><h2>Assumptions: the scenario as run</h2>
<p>From <code>${escapeHtml(scenario.file)}</code>. Every number above follows from these inputs; change them and rerun.</p>
<pre>${escapeHtml(scenario.text)}</pre>
</section>
<section id="reproduce"><h2>How to reproduce</h2>
<pre>${escapeHtml(run.command)}</pre>
<p>headroom ${escapeHtml(run.version || summary.version)}, seed ${summary.seed}, ${summary.replications} replications. Results depend only on the scenario, the seed and the replication count (not on the number of workers). Charts are also in <code>charts/</code> as Vega-Lite specs, SVG and PNG.</p>
${renderWarnings.length ? `<h3>Chart rendering warnings</h3><ul class="warnings">${renderWarnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
</section>
${charts.length ? `${libraryScripts()}\n${EMBED_SCRIPT}` : ''}
</body></html>
`;
}
