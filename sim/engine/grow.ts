type TypedArray = Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array;

/**
 * A copy of `a` with room for `length` elements (the arrays that grow by doubling: pending
 * events, waiters, per-job and per-boot records). New elements are `fill` (default 0).
 */
export function grown<T extends TypedArray>(a: T, length: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  if (fill !== 0) b.fill(fill);
  b.set(a as ArrayLike<number> & T);
  return b;
}
