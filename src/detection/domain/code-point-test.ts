/**
 * Memoised tests of single code points against a one-character regex (`/^\p{M}$/u` …): hot loops read a table
 * instead of running the regex on a one-character string for every code point of every post.
 */

/**
 * Returns `cp => re.test(String.fromCodePoint(cp))`, memoised: BMP code points in a 64 KiB table (0 not computed,
 * 1 yes, 2 no), others in a Map. `re` must be a pure one-character test (no global flag, no state).
 */
export function codePointTest(re: RegExp): (cp: number) => boolean {
  const bmp = new Uint8Array(0x10000);
  const astral = new Map<number, boolean>();
  return (cp: number): boolean => {
    if (cp < 0x10000) {
      let k = bmp[cp] ?? 0;
      if (k === 0) {
        k = re.test(String.fromCharCode(cp)) ? 1 : 2;
        bmp[cp] = k;
      }
      return k === 1;
    }
    let r = astral.get(cp);
    if (r === undefined) {
      r = re.test(String.fromCodePoint(cp));
      astral.set(cp, r);
    }
    return r;
  };
}
