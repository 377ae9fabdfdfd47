import { isAlias, visit, type Document, type LineCounter } from 'yaml';
import { quote } from '../units/units.js';
import type { Json } from './merge.js';
import { ScenarioError, type Located } from './problems.js';

/**
 * Rules every scenario value obeys before any schema sees it (docs/failure-behaviour.md):
 * the file is strict UTF-8; YAML alias problems are located; no mapping key or dotted path
 * segment is one of JavaScript's object internals; every number is finite.
 */

/**
 * Names an object inherits from Object.prototype (`__proto__`, `constructor`, `toString`,
 * `valueOf`, …) and `prototype`. As a key they could reach a prototype through a plain object
 * lookup, so the loader refuses them wherever a name is written: mapping keys, design names,
 * sweep paths, `expect:` keys.
 */
export const RESERVED: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

export function reservedMessage(name: string): string {
  return `${quote(name)} is a reserved name (expected a name that is none of JavaScript's object internals: __proto__, constructor, prototype, toString, valueOf, hasOwnProperty, …)`;
}

/** Decodes a scenario file as strict UTF-8 (a leading BOM dropped); an invalid byte is a located problem. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1, lineStart = 0;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) { line++; lineStart = i + 1; }
    const col = new TextDecoder().decode(bytes.subarray(lineStart, bad)).length + 1;
    throw new ScenarioError([{ file, line, col, path: [], message: `invalid UTF-8: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad} (expected a UTF-8 text file)` }]);
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let need: number, min: number;
    if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= n) return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * The problem behind a YAML alias error thrown while building values (too many alias expansions,
 * an alias before its anchor), located at the alias concerned.
 */
export function aliasProblem(doc: Document.Parsed, lines: LineCounter, file: string, error: Error, maxAliasCount: number): Located {
  const aliases: { source: string; offset: number; defined: boolean }[] = [];
  const anchors = new Set<string>();
  visit(doc, (_key, node) => {
    if (isAlias(node)) aliases.push({ source: node.source, offset: node.range?.[0] ?? 0, defined: anchors.has(node.source) });
    else if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string') anchors.add(node.anchor);
  });
  const unresolved = /Unresolved alias/i.test(error.message);
  const hit = unresolved ? aliases.find((a) => !a.defined) ?? aliases[0] : aliases[0];
  const pos = lines.linePos(hit?.offset ?? 0);
  const message = unresolved
    ? `YAML alias *${quote(hit?.source ?? '?', 40).slice(1, -1)} is used before its anchor &${quote(hit?.source ?? '?', 40).slice(1, -1)} is set (expected the anchor earlier in the file)`
    : `YAML aliases expand to too many nodes (expected at most ${maxAliasCount} alias expansions; aliases of aliases multiply)`;
  return { file, line: pos.line, col: pos.col, path: [], message };
}

/**
 * Walks the plain values of a scenario: a mapping key that is a reserved name, or a number that
 * is not finite (`.inf`, `.nan`, `1e400`), is reported at its position.
 */
export function checkValues(value: Json, at: (path: (string | number)[], message: string, keyOnly?: boolean) => void, path: (string | number)[] = []): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) at(path, `not a finite number: ${value} (expected a finite number)`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkValues(v, at, [...path, i]));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const k of Object.keys(value)) {
    if (RESERVED.has(k)) { at([...path, k], reservedMessage(k), true); continue; }
    checkValues((value as Record<string, Json>)[k], at, [...path, k]);
  }
}
