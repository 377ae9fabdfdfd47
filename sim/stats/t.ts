/**
 * Student-t distribution: CDF and quantile, for the 95 % confidence intervals of every metric
 * (simple-statistics has no t quantile).
 *
 * Method: the upper tail is exact through the regularized incomplete beta function,
 *   P(T > t) = ½ · I_{ν/(ν+t²)}(ν/2, ½)      (Abramowitz & Stegun 26.7.1 / 26.5.27),
 * evaluated with the Lentz continued fraction (Numerical Recipes `betacf`). The quantile starts
 * from the Cornish–Fisher expansion around the normal quantile (A&S 26.7.5) and is refined with
 * Newton steps on that tail, inside a bracket that falls back to bisection, so it converges for
 * any ν > 0. Closed forms are used for ν = 1 (Cauchy) and ν = 2; ν = ∞ is the normal quantile.
 * Above ν = 1e7 the four-term Cornish–Fisher expansion alone is exact to double precision
 * (its next term is O(ν⁻⁵)), and it avoids log-gamma cancellation at huge arguments.
 */

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * ln Γ(a + ½) − ln Γ(a). For large a the difference of two big log-gammas cancels (at ν = 1e7
 * it loses 8 digits), so above a = 20 use its asymptotic series (error < 1e-14 there).
 */
export function logGammaRatioHalf(a: number): number {
  if (a < 20) return logGamma(a + 0.5) - logGamma(a);
  const r = 1 / a, r2 = r * r;
  return 0.5 * Math.log(a) - r / 8 + r * r2 * (1 / 192 + r2 * (-1 / 640 + r2 * (17 / 14336)));
}

const TINY = 1e-300;
const EPS = 1e-16;

/** Continued fraction for I_x(a, b) (modified Lentz), valid when x < (a+1)/(a+b+2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // Converges in O(√max(a, b)) terms; 100 000 covers ν up to the 1e7 switch-over with margin.
  for (let m = 1; m <= 100000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/**
 * Regularized incomplete beta I_x(a, b). `y` = 1 − x may be passed when it is known more
 * precisely than 1 − x (it is, for the t tail: y = t²/(ν+t²)), and ln B(a, b) when the caller
 * has a more precise value than the log-gamma difference.
 */
export function regularizedBeta(x: number, a: number, b: number, y = 1 - x,
  logBeta = logGamma(a) + logGamma(b) - logGamma(a + b)): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

/** P(T > t) for t ≥ 0, without cancellation in the far tail. */
function upperTail(t: number, df: number): number {
  const t2 = t * t;
  const a = df / 2;
  const logBeta = 0.5 * Math.log(Math.PI) - logGammaRatioHalf(a); // ln B(a, ½) = ln Γ(½) + ln Γ(a) − ln Γ(a+½)
  return 0.5 * regularizedBeta(df / (df + t2), a, 0.5, t2 / (df + t2), logBeta);
}

/** Density of Student's t with ν = df. */
export function tDensity(t: number, df: number): number {
  const logNorm = logGammaRatioHalf(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logNorm - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** P(T ≤ t) for Student's t with ν = df > 0 degrees of freedom. */
export function tCdf(t: number, df: number): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  if (df === Infinity) return normalCdf(t);
  return t >= 0 ? 1 - upperTail(t, df) : upperTail(-t, df);
}

/** Φ(t) through the upper regularized incomplete gamma function: Φ(−|t|) = ½·Q(½, t²/2), exact in both tails. */
export function normalCdf(t: number): number {
  const lower = 0.5 * regularizedGammaQ(0.5, 0.5 * t * t);
  return t < 0 ? lower : 1 - lower;
}

/**
 * Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x): the series for P below x = a + 1,
 * the continued fraction for Q above (Numerical Recipes gser/gcf), so the small side is never
 * obtained by cancellation.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let ap = a, sum = 1 / a, del = sum;
    for (let n = 0; n < 10000 && Math.abs(del) >= Math.abs(sum) * EPS; n++) {
      ap += 1; del *= x / ap; sum += del;
    }
    return 1 - sum * front;
  }
  let b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return front * h;
}

/**
 * Standard normal quantile Φ⁻¹(p): Acklam's rational approximation as a start (its error
 * reaches ~1e-5 in the tails), then Halley steps on the exact Φ above; the lower tail is solved
 * and mirrored so that small tail probabilities keep their relative precision.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p > 0.5) return -normalQuantile(1 - p);
  const a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
  const b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
  const c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549671039433955e+00, 4.374664141464968e+00, 2.938163982698783e+00];
  const d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const q = p - 0.5, r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  for (let i = 0; i < 3; i++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp(0.5 * x * x);
    x -= u / (1 + 0.5 * x * u);
  }
  return x;
}

/** Cornish–Fisher expansion of the t quantile in powers of 1/ν (A&S 26.7.5). */
function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z2 + 1) * z / 4;
  const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`t distribution: degrees of freedom must be > 0, got ${df}`);
}

/**
 * The p-quantile of Student's t with ν = df degrees of freedom: the t with P(T ≤ t) = p.
 * E.g. tQuantile(0.975, 10) = 2.228139 (the two-sided 95 % critical value).
 */
export function tQuantile(p: number, df: number): number {
  checkDf(df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`tQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  if (df === Infinity) return z;
  if (df > 1e7) return cornishFisher(z, df);
  // Solve upperTail(t) = q for t > 0. upperTail falls strictly, so keep a bracket [lo, hi].
  const q = 1 - p;
  let lo = 0, hi = Infinity;
  let t = cornishFisher(z, df);
  if (!(t > 0) || !Number.isFinite(t)) t = z > 0 ? z : 1;
  for (let i = 0; i < 200; i++) {
    const f = upperTail(t, df) - q; // > 0 means t is too small
    if (f > 0) lo = t; else if (f < 0) hi = t; else return t;
    let next = t + f / tDensity(t, df);
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * t, lo * 2, 1) : (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * t) return next;
    t = next;
  }
  return t;
}
