/** Compares dotted versions ("5.15.0-91-generic" reads as 5.15.0): true when v ≥ min. */
export function versionAtLeast(v: string, min: string): boolean {
  const a = (v.match(/^\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number), b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0, y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}
