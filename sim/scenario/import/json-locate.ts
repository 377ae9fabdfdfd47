/**
 * Line and column of a JSON path in the text an `openstack … -f json` command printed, for
 * messages of the form `FILE:LINE:COL: $[17].Host: problem`. Only problems are located, so the
 * scan is lazy: the offsets of the top-level array's elements are found in one pass on the
 * first request, and a key is then looked for inside its element only.
 */
export class JsonLocator {
  private starts: number[] | undefined;
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  /** 1-based line and column of `path` (an element index, then keys), or of its deepest found prefix. */
  locate(path: readonly (string | number)[]): { line: number; col: number } {
    let offset = skipSpace(this.text, 0);
    let end = this.text.length;
    let k = 0;
    if (typeof path[0] === 'number' && this.text[offset] === '[') {
      const starts = this.elementStarts();
      if (path[0] < starts.length) {
        offset = starts[path[0]];
        end = path[0] + 1 < starts.length ? starts[path[0] + 1] : this.text.length;
        k = 1;
      }
    }
    for (; k < path.length; k++) {
      const key = path[k];
      if (typeof key !== 'string') break;
      const at = findKey(this.text, offset, end, key);
      if (at < 0) break;
      offset = at;
    }
    return this.position(offset);
  }

  private elementStarts(): number[] {
    if (this.starts !== undefined) return this.starts;
    const t = this.text, out: number[] = [];
    let depth = 0;
    let expectValue = false;
    for (let i = skipSpace(t, 0); i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 34 /* " */) {
        if (depth === 1 && expectValue) { out.push(i); expectValue = false; }
        i = stringEnd(t, i);
      } else if (c === 91 /* [ */ || c === 123 /* { */) {
        if (depth === 1 && expectValue) { out.push(i); expectValue = false; }
        depth++;
        if (depth === 1) expectValue = true;
      } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
      else if (c === 44 /* , */ && depth === 1) expectValue = true;
      else if (depth === 1 && expectValue && c > 32) { out.push(i); expectValue = false; }
    }
    this.starts = out;
    return out;
  }

  private position(offset: number): { line: number; col: number } {
    if (this.lineStarts === undefined) {
      const ls = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) ls.push(i + 1);
      this.lineStarts = ls;
    }
    const ls = this.lineStarts;
    let lo = 0, hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - ls[lo] + 1 };
  }
}

function skipSpace(t: string, i: number): number {
  while (i < t.length && t.charCodeAt(i) <= 32) i++;
  return i;
}

/** Index of the closing quote of the string opening at `i`. */
function stringEnd(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 92 /* \ */) j++;
    else if (c === 34) return j;
  }
  return t.length;
}

/** Offset of `"key":` directly inside the object opening at or after `from` (depth 1), or −1. */
function findKey(t: string, from: number, end: number, key: string): number {
  const quoted = JSON.stringify(key);
  let depth = 0;
  for (let i = from; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === 34) {
      const j = stringEnd(t, i);
      if (depth === 1 && t.slice(i, j + 1) === quoted && t[skipSpace(t, j + 1)] === ':') return i;
      i = j;
    } else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) { depth--; if (depth <= 0) return -1; }
  }
  return -1;
}
