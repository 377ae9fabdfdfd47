/**
 * Live charts in report.html: Vega and vega-embed inlined (read from node_modules at render time),
 * each chart's Vega spec (compiled here from the same Vega-Lite spec as the static SVG) in a JSON
 * script block. The static SVG stays in the page: it is what shows without JavaScript, and the live
 * view replaces it once Vega has drawn. Nothing is fetched: the data are inline, the spec carries no
 * URL, vega-embed's actions are limited to local export (no editor link).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The packages' browser bundles, beside the module each package exports. */
function bundle(pkg: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(pkg)), file), 'utf8');
}

let libraries: string | undefined;

/** `</script` inside inlined text would end the script element early. */
export function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** The two libraries, as <script> elements (about 580 kB, once per report). */
export function libraryScripts(): string {
  libraries ??= [bundle('vega', 'vega.min.js'), bundle('vega-embed', 'vega-embed.min.js')]
    .map((js) => `<script>${scriptSafe(js)}</script>`).join('\n');
  return libraries;
}

/** A chart's compiled Vega spec, as inert JSON in the page. */
export function specScript(spec: object): string {
  // \u003c keeps any "<" in labels from closing the element; JSON.parse reads it back as "<".
  return `<script type="application/json" class="vega-spec">${JSON.stringify(spec).replace(/</g, '\\u003c')}</script>`;
}

/**
 * Draws every figure's spec with vega-embed (SVG renderer: sharp when printed or zoomed, and
 * tooltips from the specs' tooltip encodings via vega-tooltip), then marks the figure live so the
 * static copy is hidden. A failure leaves the static chart and is logged on the console.
 */
export const EMBED_SCRIPT = `<script>
(function () {
  if (typeof vegaEmbed !== 'function') return;
  document.querySelectorAll('figure.chart').forEach(function (fig) {
    var el = fig.querySelector('script.vega-spec');
    var box = fig.querySelector('.live');
    if (!el || !box) return;
    vegaEmbed(box, JSON.parse(el.textContent), {
      mode: 'vega', renderer: 'svg', tooltip: { theme: 'light' },
      actions: { export: true, source: false, compiled: false, editor: false }
    }).then(function () {
      fig.setAttribute('data-live', 'yes');
    }).catch(function (err) { console.error('chart ' + fig.getAttribute('data-chart') + ': ' + err); });
  });
})();
</script>`;
