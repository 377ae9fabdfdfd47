#!/usr/bin/env bash
# End-to-end checks of the reports (issue 7), run by .ci/run after `npm test`:
#   report.html in headless Debian chromium (no console error, no network, every chart drawn live by
#   the inlined Vega, a tooltip on every chart, the print layout within A4's printable width)
#   deck.pptx -> PDF with LibreOffice (page count, no blank page, via poppler's pdftoppm)
# on reports rendered from the summary fixtures and, when scenarios/default.yaml exists, on a
# fresh `headroom run` of it. Missing tools are a failure, not a skip: CI installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=("/usr/bin/chromium (apt: chromium)")
command -v soffice >/dev/null || missing+=("soffice (apt: libreoffice-impress-nogui)")
command -v pdftoppm >/dev/null || missing+=("pdftoppm (apt: poppler-utils)")
command -v pdfinfo >/dev/null || missing+=("pdfinfo (apt: poppler-utils)")
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=("DejaVu Sans (apt: fonts-dejavu-core)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'e2e: missing %s\n' "${missing[@]}" >&2
  exit 1
fi

npx tsc -p .
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Reports from the hand-written fixtures (every study and chart kind), rendered as `headroom report` would.
dirs=()
for name in reference-cloud queue; do
  mkdir -p "$work/$name"
  cp "test/fixtures/summary/$name.json" "$work/$name/summary.json"
  cp "test/fixtures/summary/$name.yaml" "$work/$name/scenario.yaml"
  printf '{"command":"headroom run %s.yaml","version":"e2e","date":"%s"}\n' "$name" "$(date -u +%FT%TZ)" > "$work/$name/run.json"
  node --input-type=module -e "const { reportFromFolder } = await import('./dist/reports/index.js'); await reportFromFolder(process.argv[1]);" "$work/$name"
  dirs+=("$work/$name")
done

# Real runner output kept as fixtures (units beside the stats, Wilson intervals, sweeps, expect).
for name in runner-evac runner-mm1; do
  cp -r "test/fixtures/summary/$name" "$work/$name"
  node --input-type=module -e "const { reportFromFolder } = await import('./dist/reports/index.js'); await reportFromFolder(process.argv[1]);" "$work/$name"
  dirs+=("$work/$name")
done

# A real run end to end, when the bundled reference scenario is there.
if [ -f scenarios/default.yaml ]; then
  # Exit 1 only means an `expect:` bound failed at this small replication count; the folder is written.
  rc=0
  node dist/sim/cli/headroom.js run scenarios/default.yaml --replications "${E2E_REPLICATIONS:-4}" --out "$work/default" || rc=$?
  if [ "$rc" -gt 1 ] || [ ! -f "$work/default/report.html" ]; then
    echo "e2e: headroom run scenarios/default.yaml failed (exit $rc)" >&2
    exit 1
  fi
  dirs+=("$work/default")
fi

files=(dist/test/e2e/*.e2e.js)
[ -e "${files[0]}" ] || { echo "e2e: no compiled e2e tests in dist/test/e2e" >&2; exit 1; }
HEADROOM_E2E_DIRS="${dirs[*]}" node --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$work/e2e.tap" "${files[@]}"
pass=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$work/e2e.tap")
fail=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$work/e2e.tap")
if [ "${pass:-0}" -eq 0 ] || [ "${fail:-1}" -ne 0 ]; then
  echo "e2e: ${pass:-0} passed, ${fail:-?} failed" >&2
  exit 1
fi
echo "e2e: ${pass} passed on ${#dirs[@]} output folder(s)"
