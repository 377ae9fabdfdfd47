/**
 * deck.pptx for the capacity review (pptxgenjs, 16:9 widescreen 13.33 × 7.5 in): title, summary,
 * one slide per study (main chart + three key numbers), assumptions. Body text is ≥ 18 pt so it
 * reads from the back of a room; the full tables stay in report.html.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type P from 'pptxgenjs';
import { parse } from 'yaml';
import { displayScale, studyWarnings, type RunInfo, type ScenarioEcho, type StudySummary, type Summary } from './summary.js';
import { formatNumber, formatScaled, formatValue, mentionsUnit, metricText, pickScale, unitKind, type Scale } from './format.js';
import { executiveSentence, keyNumbers, notReached, validationSentence } from './narrative.js';
import { exactValues, isValidationStudy } from './charts/plan.js';
import type { WrittenChart } from './charts/write.js';
import { FONT } from './charts/render.js';
import { decisionSlides } from './deck-decision.js';
import { CHART_TOP, CHART_W, chartPlacement } from './charts/slide.js';

// pptxgenjs' default export does not typecheck as a constructor under nodenext (STACK.md).
const PptxGenJS = createRequire(import.meta.url)('pptxgenjs') as typeof P.default;

const W = 13.333;
const H = 7.5;
const BLUE = '1F4E79';
const GREY = '555555';
export const BODY_PT = 18;

/**
 * "31 % ± 6.4": a compact mean and CI half-width for a slide; an availability keeps the mean's
 * decimals; a lopsided interval is written as its ends, "148 (0–315)".
 */
export function meanPm(mean: number, ci: [number, number], unit: string, given?: Scale): string {
  const scale = given ?? pickScale(unit, [mean, ...ci]);
  const half = (ci[1] - ci[0]) / 2;
  // Units like "instance-hours" go in the label row (see unitNote), not after every value.
  const shown: Scale = unitKind(unit) === 'other' ? { divisor: scale.divisor, label: '' } : scale;
  const m = formatValue(mean, unit, shown);
  if (!(half > 0) || !Number.isFinite(half)) return m;
  const v = mean / scale.divisor;
  const h = half / scale.divisor;
  // A lopsided interval (Wilson near 0 or 1, a t interval cut at zero) is shown as its ends.
  const below = mean - ci[0], above = ci[1] - mean;
  if (Math.abs(below - above) > 0.05 * Math.max(below, above)) {
    return `${m} (${formatScaled(ci[0] / scale.divisor, scale)}–${formatScaled(ci[1] / scale.divisor, scale)})`;
  }
  const shownDecimals = formatScaled(v, scale).split('.')[1]?.length ?? 0;
  // Near 100 % the half-width gets the mean's decimals; one that rounds to 0 there is "< 0.001", never "± 0.000".
  const pm = scale.label === '%' && v > 99 && v < 100
    ? (Number(h.toFixed(shownDecimals)) === 0 ? `<${(10 ** -shownDecimals).toFixed(shownDecimals)}` : h.toFixed(shownDecimals))
    : formatNumber(h);
  // A half-width below the mean's last shown digit would claim digits the mean does not show
  // ("2.26 min ± 0.00594"): say it is below that digit instead.
  const decimals = formatScaled(v, scale).split('.')[1]?.replace(/\D.*$/, '').length ?? 0;
  const step = 10 ** -decimals;
  if (scale.label !== '%' && h < step) return `${m} ± <${step.toFixed(decimals)}`;
  return `${m} ± ${pm}`;
}

/**
 * One design's key number as every slide prints it: in the metric's one display unit across the
 * designs (the summary slide once wrote "5.06 min" beside "107 s" for one metric), a time not
 * reached as such, a censored or heavy-tailed metric in words.
 */
export function keyValueText(study: StudySummary, metric: string, design: string, horizon: number | undefined): string {
  const stats = study.designs[design].metrics[metric];
  const scale = displayScale(study, metric);
  return notReached(stats, horizon) ?? (stats.reached || stats.heavyTailed ? metricText(stats, horizon, scale) : meanPm(stats.mean, stats.ci95, stats.unit, scale));
}

/** " (instance-hours)" after a label, for units meanPm leaves out, unless the label says it. */
export function unitNote(label: string, unit: string): string {
  if (unitKind(unit) !== 'other' || !unit || unit === 'count') return '';
  return mentionsUnit(label, unit) ? '' : ` (${unit})`;
}

/** PNG width and height from its IHDR chunk, to keep the chart's aspect ratio on the slide. */
export function pngSize(path: string): { width: number; height: number } {
  const b = readFileSync(path);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function heading(slide: P.default.Slide, text: string, sub?: string): void {
  // One line at most: about 48 characters of 30 pt bold fit across the slide.
  const size = Math.max(20, Math.min(30, Math.floor((30 * 48) / Math.max(1, text.length))));
  slide.addText(text, { x: 0.5, y: 0.3, w: W - 1, h: 0.8, fontFace: FONT, fontSize: size, bold: true, color: BLUE });
  if (sub) slide.addText(sub, { x: 0.5, y: 1.05, w: W - 1, h: 0.7, fontFace: FONT, fontSize: BODY_PT, italic: true, color: GREY, valign: 'top' });
}

/** Up to three designs per key number: the first (the reference) and the two extremes. */
function pickDesigns<T extends { design: string; mean: number }>(values: T[]): T[] {
  if (values.length <= 3) return values;
  const rest = values.slice(1);
  const lo = rest.reduce((a, b) => (b.mean < a.mean ? b : a));
  const hi = rest.reduce((a, b) => (b.mean > a.mean ? b : a));
  return [values[0], lo, hi].filter((v, i, all) => all.indexOf(v) === i);
}

function studySlide(pres: P.default, study: StudySummary, chart: WrittenChart | undefined, horizon?: number): void {
  const slide = pres.addSlide();
  heading(slide, study.title, study.question);
  const top = CHART_TOP;
  const chartW = CHART_W;
  if (chart) {
    const png = chart.slidePngPath ?? chart.pngPath;
    const { width, height } = pngSize(png);
    const { w, h } = chartPlacement(width, height);
    slide.addText(chart.chart.title, { x: 0.4, y: top - 0.05, w: chartW, h: 0.45, fontFace: FONT, fontSize: BODY_PT, bold: true, color: '222222' });
    slide.addImage({ path: png, x: 0.4 + (chartW - w) / 2, y: top + 0.45, w, h, altText: chart.chart.title });
  } else {
    slide.addText('No chart: this study reported no plottable data.', { x: 0.4, y: top, w: chartW, h: 1, fontFace: FONT, fontSize: BODY_PT, color: GREY });
  }
  const x = 0.4 + chartW + 0.2;
  const boxW = W - x - 0.25;
  const rows: P.default.TableRow[] = [];
  const exact = isValidationStudy(study) ? exactValues(study) : [];
  // Warnings need room under the key numbers: the least important key numbers give it up.
  const box = warningBox(study, horizon);
  for (const k of keyNumbers(study, horizon).slice(0, box.keys)) {
    const designs = pickDesigns(k.values.map((v) => ({ design: v.design, mean: v.mean, text: keyValueText(study, k.metric, v.design, horizon) })));
    const unit = study.designs[k.values[0]?.design]?.metrics[k.metric]?.unit ?? '';
    rows.push([{ text: k.label + unitNote(k.label, unit), options: { colspan: 2, bold: true, color: BLUE, fontSize: BODY_PT, margin: [8, 2, 2, 2] } }]);
    for (const d of designs) {
      rows.push([
        { text: d.design, options: { fontSize: BODY_PT, color: GREY } },
        { text: d.text, options: { fontSize: BODY_PT, bold: true, color: '222222', align: 'right' } },
      ]);
    }
    // A validation slide sets the estimate beside the closed form (room for it with one design).
    const e = designs.length === 1 ? exact.find((x) => x.design === designs[0].design && x.metric === k.metric) : undefined;
    if (e) {
      rows.push([
        { text: 'exact', options: { fontSize: BODY_PT, color: GREY, italic: true } },
        { text: unitKind(unit) === 'other' ? formatNumber(e.exact) : formatValue(e.exact, unit), options: { fontSize: BODY_PT, color: GREY, align: 'right' } },
      ]);
    }
  }
  if (rows.length) slide.addTable(rows, { x, y: top, w: boxW, colW: [boxW * 0.4, boxW * 0.6], fontFace: FONT, margin: 2, valign: 'middle' });
  // Every warning of the study, under its key numbers (one line per distinct warning, naming its
  // designs); when they do not all fit there, on a slide of their own right after this one.
  const warnings = studyWarnings(study);
  if (warnings.length && box.fits) {
    slide.addText(warnings.map((w) => ({ text: `⚠ ${w}`, options: { breakLine: true } })),
      { x, y: box.y, w: boxW, h: box.h, fontFace: FONT, fontSize: WARNING_PT, color: 'A04000', valign: 'top' });
  } else if (warnings.length) {
    slide.addText(`⚠ ${warnings.length} warning${warnings.length > 1 ? 's' : ''} for this study: on the next slide.`,
      { x, y: Math.min(box.y, H - 1.05), w: boxW, h: 0.5, fontFace: FONT, fontSize: WARNING_PT, bold: true, color: 'A04000', valign: 'top' });
  }
  slide.addText('± half-width of the 95 % CI; (low–high) when lopsided.', { x: 0.4, y: H - 0.45, w: chartW, h: 0.35, fontFace: FONT, fontSize: 12, color: GREY });
  slide.addNotes(slideNotes(study, chart, horizon, box.keys));
  if (warnings.length && !box.fits) {
    const more = pres.addSlide();
    heading(more, `${study.title}: warnings`);
    more.addText(warnings.map((w) => ({ text: `⚠ ${w}`, options: { breakLine: true } })),
      { x: 0.5, y: 1.3, w: W - 1, h: H - 1.8, fontFace: FONT, fontSize: BODY_PT, color: 'A04000', valign: 'top', paraSpaceAfter: 6, fit: 'shrink' });
    more.addNotes(`Warnings of ${study.title}, continued from its slide. ${warnings.join(' ')}`);
  }
}

const WARNING_PT = 14;

/**
 * How many key numbers a study slide shows and where its warnings go: under the key-number table
 * (its height estimated from its rows at 18 pt), to the bottom margin. Key numbers are dropped,
 * last first, down to one, until the warnings' text (about 46 characters a line at 14 pt in the
 * 5 in column) fits; `fits` is false when even that is not enough.
 */
function warningBox(study: StudySummary, horizon?: number): { keys: number; y: number; h: number; fits: boolean } {
  const designs = Object.keys(study.designs).length;
  const all = keyNumbers(study, horizon).length;
  const perKey = Math.min(3, designs) + (designs === 1 && isValidationStudy(study) ? 1 : 0);
  const lines = studyWarnings(study).reduce((n, w) => n + Math.ceil((w.length + 2) / 46), 0);
  const at = (keys: number) => {
    const y = CHART_TOP + keys * (0.5 + perKey * 0.36) + 0.15;
    const h = H - 0.55 - y;
    return { keys, y, h, fits: lines * (WARNING_PT * 1.25) / 72 <= h };
  };
  for (let keys = all; keys >= Math.min(all, 1); keys--) { const b = at(keys); if (b.fits) return b; }
  // They go on a slide of their own: the study slide keeps every key number.
  return at(all);
}

/** Study slides whose warnings go on a slide of their own (see warningBox). */
export function warningSlideCount(summary: Summary): number {
  return Object.values(summary.studies).filter((s) => studyWarnings(s).length > 0 && !warningBox(s, summary.horizon).fits).length;
}

export { studyWarnings };

/** Speaker notes that describe this slide: its chart, the numbers beside it, the answer, the warnings. */
export function slideNotes(study: StudySummary, chart: WrittenChart | undefined, horizon?: number, keyCount = Infinity): string {
  const parts = [`${study.title}. ${study.question}`];
  parts.push(chart ? `The chart on this slide: ${chart.chart.title}. ${chart.chart.caption}` : 'This slide has no chart: the study reported no plottable data.');
  const keys = keyNumbers(study, horizon).slice(0, keyCount).map((k) => k.label);
  if (keys.length) parts.push(`The numbers on the right: ${keys.join('; ')}, per design.`);
  parts.push(executiveSentence(study, horizon).replace(' in the table below', ' in the report'));
  const warnings = studyWarnings(study);
  if (warnings.length) parts.push(`Warnings: ${warnings.join(' ')}`);
  return parts.join('\n\n');
}

/** The scenario boiled down to lines a room can read; the full text is in report.html. */
export function assumptionLines(scenario: ScenarioEcho, summary: Summary): string[] {
  let doc: any;
  try { doc = parse(scenario.text) ?? {}; } catch { doc = {}; }
  const lines: string[] = [];
  const flat = (obj: unknown, prefix = ''): string[] => {
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [`${prefix}: ${typeof obj === 'string' ? obj : JSON.stringify(obj)}`];
    return Object.entries(obj as object).flatMap(([k, v]) => flat(v, prefix ? `${prefix}.${k}` : k));
  };
  const horizon = doc.horizon ?? (summary.horizon ? formatValue(summary.horizon, 's') : '?');
  lines.push(`Horizon ${horizon} · ${summary.replications} replications per design · seed ${summary.seed}`);
  const racks: any[] = Array.isArray(doc.cloud?.racks) ? doc.cloud.racks : [];
  if (racks.length) {
    const hosts = racks.reduce((s, r) => s + (Number(r.hosts) || 0), 0);
    const kinds = [...new Set(racks.map((r) => [r.ram, r.vcpus && `${r.vcpus} vCPU`].filter(Boolean).join(', ')))];
    lines.push(`${racks.length} racks, ${hosts} hosts (${kinds.join('; ')})`);
  }
  if (doc.cloud?.nova) lines.push(`nova: ${flat(doc.cloud.nova).join(', ')}`);
  if (doc.cloud?.fill !== undefined) lines.push(`Initial fill: ${typeof doc.cloud.fill === 'number' ? formatValue(doc.cloud.fill, 'fraction') : JSON.stringify(doc.cloud.fill)}`);
  const designs = doc.designs && typeof doc.designs === 'object' ? Object.entries(doc.designs) : [];
  for (const [d, patch] of designs) {
    const f = patch && typeof patch === 'object' && Object.keys(patch).length ? flat(patch).join(', ') : 'the base scenario';
    lines.push(`Design ${d}: ${f}`);
  }
  for (const [s, section] of Object.entries(doc.studies ?? {})) {
    if (!section || typeof section !== 'object') continue;
    const { designs: sd, sweeps, ...rest } = section as Record<string, unknown>;
    lines.push(`${s}: ${flat(rest).join(', ')}`);
    // A study's own designs are what its slide compares: one line each, with what they change.
    if (sd && typeof sd === 'object') {
      for (const [d, patch] of Object.entries(sd as Record<string, unknown>)) {
        const f = patch && typeof patch === 'object' && Object.keys(patch).length ? flat(patch).join(', ') : 'as above';
        lines.push(`  ${d}: ${f}`);
      }
    }
    if (Array.isArray(sweeps)) for (const w of sweeps as any[]) lines.push(`  sweep ${w?.parameter}: ${(w?.values ?? []).join(', ')}${w?.designs ? ` (${w.designs.join(', ')})` : ''}`);
  }
  // One row each at 18 pt across the slide (about 85 characters).
  return lines.map((l) => (l.length > 84 ? `${l.slice(0, 81)}…` : l));
}

/** Summary slides for n studies: up to five studies (three lines each) fit one slide at 18 pt. */
export function summarySlides(studies: number): number {
  return Math.max(1, Math.ceil(studies / 5));
}

/** Title, decision (when summary.json has one: decisionSlideCount), summary, one slide per study, the warnings that overflow a study slide (warningSlideCount), assumptions. */
export function slideCount(studies: number, decision = 0, warnings = 0): number {
  return 1 + decision + summarySlides(studies) + studies + warnings + 1;
}

export interface DeckInput {
  summary: Summary;
  scenario: ScenarioEcho;
  run: RunInfo;
  charts: WrittenChart[];
}

export async function writeDeck(path: string, { summary, scenario, run, charts }: DeckInput): Promise<void> {
  const pres = new PptxGenJS();
  pres.layout = 'LAYOUT_WIDE';
  const name = summary.title ?? summary.scenario;
  pres.title = `${name} capacity review`;
  pres.author = 'headroom';

  const title = pres.addSlide();
  title.background = { color: BLUE };
  // 44 pt bold fits about 30 characters on the slide's width; a longer title (up to 80) takes
  // 30 pt, on one line or two, bottom-aligned above the subtitle at y 3.3.
  title.addText(name, { x: 0.7, y: 1.75, w: W - 1.4, h: 1.5, fontFace: FONT, fontSize: name.length > 28 ? 30 : 44, bold: true, color: 'FFFFFF', valign: 'bottom', fit: 'shrink' });
  if (summary.description) {
    // The whole description, wrapped (never cut): a smaller size for a long one.
    const d = summary.description.trim().replace(/\s+/g, ' ');
    const size = d.length > 420 ? 14 : d.length > 260 ? 16 : BODY_PT;
    title.addText(d, { x: 0.7, y: 4.95, w: W - 1.4, h: H - 4.95 - 0.3, fontFace: FONT, fontSize: size, color: 'DDE6F0', valign: 'top', fit: 'shrink' });
  }
  // With a title of its own, the subtitle names the scenario (the file's `name`).
  title.addText(summary.title !== undefined ? `Simulated with headroom · scenario ${summary.scenario}` : 'Capacity review: simulated with headroom', { x: 0.7, y: 3.3, w: W - 1.4, h: 0.7, fontFace: FONT, fontSize: 26, color: 'FFFFFF' });
  title.addText(`${run.date.slice(0, 10)} · ${summary.replications} replications per design · seed ${summary.seed} · headroom ${run.version || summary.version}`,
    { x: 0.7, y: 4.3, w: W - 1.4, h: 0.6, fontFace: FONT, fontSize: BODY_PT, color: 'DDE6F0' });

  // The decision comes first: what to configure, what it costs, what nothing survives.
  decisionSlides(pres, summary.decision);

  // Summary: one line per study (its main key number); split so each slide stays readable.
  const studies = Object.entries(summary.studies);
  const pages = summarySlides(studies.length);
  const per = Math.max(1, Math.ceil(studies.length / pages));
  for (let i = 0; i < Math.max(1, studies.length); i += per) {
    const slide = pres.addSlide();
    heading(slide, pages > 1 ? `Summary (${i / per + 1}/${pages})` : 'Summary');
    const runs: P.default.TextProps[] = [];
    for (const [, s] of studies.slice(i, i + per)) {
      const k = keyNumbers(s, summary.horizon)[0];
      runs.push({ text: `${s.title}`, options: { bold: true, color: BLUE, breakLine: true } });
      const vals = k ? pickDesigns(k.values.map((v) => ({ design: v.design, mean: v.mean, text: keyValueText(s, k.metric, v.design, summary.horizon) }))) : [];
      const unit = k ? s.designs[k.values[0]?.design]?.metrics[k.metric]?.unit ?? '' : '';
      const v = isValidationStudy(s) ? validationSentence(s) : undefined;
      const line = v ? v : k ? `${k.label}${unitNote(k.label, unit)}: ${vals.map((v) => (vals.length > 1 ? `${v.text} (${v.design})` : v.text)).join(' · ')}` : 'no metrics reported';
      runs.push({ text: line, options: { breakLine: true } });
    }
    if (runs.length === 0) runs.push({ text: 'This scenario ran no study.', options: {} });
    slide.addText(runs, { x: 0.5, y: 1.3, w: W - 1, h: H - 1.9, fontFace: FONT, fontSize: BODY_PT, valign: 'top', paraSpaceAfter: 6 });
    slide.addText('Mean ± half-width of the 95 % confidence interval over replications, or (low–high) when the interval is lopsided.', { x: 0.5, y: H - 0.6, w: W - 1, h: 0.4, fontFace: FONT, fontSize: 12, color: GREY });
  }

  for (const [name, s] of studies) {
    studySlide(pres, s, charts.find((c) => c.chart.study === name), summary.horizon);
  }

  const a = pres.addSlide();
  heading(a, 'Assumptions', `Scenario ${scenario.file}; the full text is in report.html`);
  const all = assumptionLines(scenario, summary);
  const lines = all.length > 12 ? [...all.slice(0, 11), `… ${all.length - 11} more lines in report.html`] : all;
  a.addText(lines.map((l) => ({ text: l.trimStart(), options: { bullet: l.startsWith('  ') ? { indent: 18 } : true, indentLevel: l.startsWith('  ') ? 1 : 0, breakLine: true } })),
    { x: 0.5, y: 1.8, w: W - 1, h: H - 2.3, fontFace: FONT, fontSize: BODY_PT, valign: 'top', paraSpaceAfter: 4 });
  a.addText(`Reproduce: ${run.command}`, { x: 0.5, y: H - 0.6, w: W - 1, h: 0.4, fontFace: FONT, fontSize: 12, color: GREY });

  await pres.writeFile({ fileName: path });
}
