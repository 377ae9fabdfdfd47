/**
 * The deck's first content slide: the decision in plain sentences (what to configure, what it
 * costs, what no design survives, ties), then `headroom check` per design as a table. A second
 * slide carries the sizing answers when there are any.
 */
import type P from 'pptxgenjs';
import type { DecisionData } from '../sim/montecarlo/decision.js';
import { answerText, checkShort, checkSentences, decisionQuestions, knobName, targetText, tieSentences, tieShort } from './decision.js';
import { formatValue } from './format.js';
import { FONT } from './charts/render.js';

const W = 13.333;
const BLUE = '1F4E79';
const GREY = '555555';

function title(slide: P.default.Slide, text: string): void {
  slide.addText(text, { x: 0.5, y: 0.3, w: W - 1, h: 0.8, fontFace: FONT, fontSize: 30, bold: true, color: BLUE });
}

/** Slides decisionSlides adds for `d`. */
export function decisionSlideCount(d: DecisionData | undefined): number {
  return !d ? 0 : (d.sizing?.answers.length ?? 0) > 0 ? 2 : 1;
}

/** Adds the decision slides; returns how many (0 without a decision block). */
export function decisionSlides(pres: P.default, d: DecisionData | undefined): number {
  if (!d) return 0;
  const questions = decisionQuestions(d);
  const sentences = [...questions.map((q) => q.sentence), ...checkSentences(d), ...tieSentences(d)];
  const lines = [...questions.map((q) => q.short), ...checkShort(d), ...tieShort(d)];
  const slide = pres.addSlide();
  title(slide, 'Decision');
  // Short lines at 18 pt (16 when there are many); the full sentences are in the notes and report.html.
  const size = lines.length > 5 ? 16 : 18;
  const checks = Object.entries(d.checks);
  const textH = checks.length ? 3.9 : 5.9;
  slide.addText(lines.map((s) => ({ text: s, options: { bullet: true, breakLine: true } })), { x: 0.5, y: 1.1, w: W - 1, h: textH, fontFace: FONT, fontSize: size, valign: 'top', paraSpaceAfter: 6 });
  for (const [study, byDesign] of checks.slice(0, 1)) {
    const designs = Object.keys(byDesign);
    const kinds = [...new Set(designs.flatMap((x) => Object.keys(byDesign[x])))];
    const rows: P.default.TableRow[] = [[{ text: `headroom check (${study})`, options: { bold: true, color: BLUE } }, ...kinds.map((k) => ({ text: k, options: { bold: true, color: BLUE, align: 'center' as const } }))]];
    for (const x of designs) {
      rows.push([{ text: x, options: { color: GREY } }, ...kinds.map((k) => {
        const c = byDesign[x][k];
        return { text: !c ? '' : c.passed ? 'passes' : `fails (${c.stranding}/${c.failures})`, options: { align: 'center' as const, bold: !c?.passed, color: c?.passed ? '2E7D32' : 'B71C1C' } };
      })]);
    }
    const rowH = Math.min(0.38, 2.3 / rows.length);
    slide.addTable(rows, { x: 0.5, y: 1.1 + textH + 0.1, w: W - 1, colW: [(W - 1) * 0.34, ...kinds.map(() => ((W - 1) * 0.66) / kinds.length)], fontFace: FONT, fontSize: 14, rowH, margin: 2 });
  }
  slide.addNotes(`The decision this review supports: ${sentences.join(' ')} The table gives headroom check's deterministic result for every design: the number of failures that strand instances out of those checked.`);
  const answers = d.sizing?.answers ?? [];
  if (answers.length === 0) return 1;
  const s2 = pres.addSlide();
  title(s2, 'Sizing: the least setting per target');
  const rows: P.default.TableRow[] = [['Design', 'Knob', 'Target', 'Configure'].map((h) => ({ text: h, options: { bold: true, color: BLUE } }))];
  // One slide: the first 14 answers; report.html has them all.
  const shown = answers.slice(0, answers.length > 15 ? 14 : 15);
  for (const a of shown) {
    rows.push([
      { text: a.design, options: { color: GREY } },
      { text: knobName(a.knob), options: {} },
      { text: a.kind === 'check' ? `${a.class} check` : `${targetText(a).replace(/ at .*\(/, ' (')}`, options: {} },
      { text: a.answer ? `${answerText(a).replace(/ \(.*$/, '')}${a.cost ? ` · ${formatValue(a.cost.heldBackFraction, 'fraction')} held back` : ''}` : 'cannot in range', options: { bold: true, color: a.answer ? '222222' : 'B71C1C' } },
    ]);
  }
  if (shown.length < answers.length) rows.push([{ text: `… ${answers.length - shown.length} more in report.html`, options: { colspan: 4, italic: true, color: GREY } }]);
  s2.addTable(rows, { x: 0.5, y: 1.2, w: W - 1, colW: [2.3, 2.9, 4.4, 2.73], fontFace: FONT, fontSize: rows.length > 10 ? 14 : 16, rowH: Math.min(0.4, 5.9 / rows.length), margin: 2 });
  s2.addNotes(`Per design, the least setting of its knob meeting each target (bisection on common random numbers; ${d.sizing!.replications} replications, against ${d.sizing!.sweepReplications} for a sweep of every grid point at the budget). "cannot in range": no setting in the searched range meets it.`);
  return 2;
}
