// Bag-of-words similarity for the baseline policy: lower-cased words, stop words dropped, a light
// suffix strip so "files"/"file" and "listing"/"list" meet. Deliberately simple: the baseline is
// the floor a real model must beat, and it must be explainable in one paragraph.

const STOP_WORDS = new Set(
  ('a an the and or but if of in on at to for from by with about as is are was were be been being do does did ' +
    'what which who whom whose when where why how this that these those it its i me my we our you your he she they ' +
    'them their can could would should will shall may might must please tell give show me some any all there here ' +
    'than then so not no yes just also up down out into over under again very').split(' '),
);

export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function terms(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (word.length < 2 || STOP_WORDS.has(word)) continue;
    out.add(stem(word));
  }
  return out;
}

/** Cosine similarity of two term sets (each term weight 1). */
export function cosine(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}
