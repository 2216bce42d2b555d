// The offline embedder: no model, no network, the same vector on every machine. Feature hashing
// (the "hashing trick") of three kinds of features, read off the lower-cased text:
//
//   unigrams   every word                                weight 1
//   bigrams    every pair of consecutive words            weight 0.5
//   trigrams   character trigrams of each word, with "#"  weight 1 / sqrt(trigrams in the word)
//              marking its ends: "cat" → #ca, cat, at#
//
// A word is a run of letters, digits and combining marks (Unicode), so punctuation and spaces
// separate words, and bigrams run across punctuation. Bigrams reward shared phrases. Trigrams give
// near-misses ("embedding" / "embeddings", typos, inflections) partial credit. Their weight is
// divided by the square root of the word's trigram count so that every word's trigrams together
// carry the same L2 energy as the word itself (n × (1/√n)² = 1), however long the word: the vector
// is L2-normalised, so energy is what counts. (Dividing by n instead, an L1 share, leaves a
// 10-letter word's trigrams 2.5% of its energy, and they stop mattering: measured on the support
// corpus in datasets/corpus, section headings as queries against their sections at 384 dimensions,
// MRR was 0.258 with 0.5/n trigrams, 0.259 with none, 0.325 with 1/√n.) There is no idf, so
// frequent words count as much as rare ones: that is BM25's job in hybrid search.
//
// Each feature is hashed with FNV-1a (32-bit, over UTF-16 code units, a different offset basis per
// kind so "cat" the word and "cat" the trigram are different features; a bigram is FNV-1a over its
// two words' hashes); the index is murmur3's finaliser of that hash modulo the dimensions, and the
// sign comes from a second hash (the finaliser of the hash xor a constant), so features that
// collide cancel on average instead of piling up. The sum is L2-normalised. Documents and queries
// are embedded alike.
//
// Text with no words at all (empty, only punctuation) cannot be left as a zero vector: cosine with
// one is undefined (sqlite-vec answers NaN). It becomes the unit vector along dimension 0 instead,
// i.e. a tiny constant in dimension 0, normalised to 1: such texts match each other and nothing
// else much.
//
// Changing any of this changes every vector: stored hash indexes would then be stale, so the id
// (hash:<dims>) should change with it.

import type { EmbedKind, Embedder } from '../types.ts';

export const DEFAULT_HASH_DIMENSIONS = 384;

const FNV_PRIME = 0x01000193;
/** FNV-1a's offset basis, and offsets of our own for the other feature kinds. */
const UNIGRAM_BASIS = 0x811c9dc5;
const BIGRAM_BASIS = 0x050c5d1f;
const TRIGRAM_BASIS = 0x2f8e5a7b;
const SIGN_SEED = 0x9e3779b9;
const BOUNDARY = 0x23; // '#', never part of a word

const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 1;

/** FNV-1a, 32-bit, over the UTF-16 code units of `text`. Unsigned result. */
export function fnv1a(text: string, basis: number = UNIGRAM_BASIS): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: spreads every input bit over every output bit. Unsigned result. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 1 for code units that belong to words: ASCII letters and digits, and any Unicode letter, digit or mark. */
let wordTable: Uint8Array | undefined;

function wordChars(): Uint8Array {
  if (wordTable) return wordTable;
  const table = new Uint8Array(0x10000);
  const word = /[\p{L}\p{N}\p{M}]/u;
  for (let c = 0; c < 0x10000; c++) {
    // Surrogates: astral letters, ideographs and emoji are word characters; both halves count.
    if (c >= 0xd800 && c <= 0xdfff) table[c] = 1;
    else if (word.test(String.fromCharCode(c))) table[c] = 1;
  }
  wordTable = table;
  return table;
}

export class HashEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  /** Reused accumulator: one text at a time, summed in float64 before rounding to float32. */
  private readonly sums: Float64Array;

  constructor(options: { dimensions?: number } = {}) {
    const dimensions = options.dimensions ?? DEFAULT_HASH_DIMENSIONS;
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error(`hash embedder: dimensions must be a positive integer, not ${dimensions}`);
    this.dimensions = dimensions;
    this.id = `hash:${dimensions}`;
    this.sums = new Float64Array(dimensions);
  }

  async embed(texts: readonly string[], _kind: EmbedKind, signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (const text of texts) {
      signal?.throwIfAborted();
      out.push(this.embedOne(text));
    }
    return out;
  }

  /** One text's vector, synchronously. */
  embedOne(text: string): Float32Array {
    const sums = this.sums;
    const dims = this.dimensions;
    sums.fill(0);
    const table = wordChars();
    let s = text.toLowerCase();
    // Composed and decomposed accents ("é" / "e\u0301") should be the same word.
    if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFC');
    const n = s.length;
    let features = 0;
    let previous = 0;
    let hasPrevious = false;

    const add = (hash: number, weight: number) => {
      const index = fmix32(hash) % dims;
      sums[index] += fmix32(hash ^ SIGN_SEED) & 1 ? -weight : weight;
    };

    let i = 0;
    while (i < n) {
      if (!table[s.charCodeAt(i)]) {
        i++;
        continue;
      }
      const start = i;
      let h = UNIGRAM_BASIS;
      while (i < n) {
        const c = s.charCodeAt(i);
        if (!table[c]) break;
        h = Math.imul(h ^ c, FNV_PRIME);
        i++;
      }
      const length = i - start;
      add(h, UNIGRAM_WEIGHT);
      if (hasPrevious) {
        // The bigram "a b" hashed as FNV-1a over the two words' 32-bit hashes.
        add(Math.imul(Math.imul(BIGRAM_BASIS ^ previous, FNV_PRIME) ^ h, FNV_PRIME), BIGRAM_WEIGHT);
      }
      previous = h;
      hasPrevious = true;
      // "#w0 w1", ..., "w(n-2) w(n-1) #": as many trigrams as characters.
      const weight = TRIGRAM_WEIGHT / Math.sqrt(length);
      let a = BOUNDARY;
      let b = s.charCodeAt(start);
      for (let k = start; k < i; k++) {
        const c = k + 1 < i ? s.charCodeAt(k + 1) : BOUNDARY;
        add(Math.imul(Math.imul(Math.imul(TRIGRAM_BASIS ^ a, FNV_PRIME) ^ b, FNV_PRIME) ^ c, FNV_PRIME), weight);
        a = b;
        b = c;
      }
      features++;
    }

    const vector = new Float32Array(dims);
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += sums[d]! * sums[d]!;
    // No words, or (vanishingly unlikely) every feature cancelled out: see the header.
    if (features === 0 || norm === 0) {
      vector[0] = 1;
      return vector;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let d = 0; d < dims; d++) vector[d] = sums[d]! * scale;
    return vector;
  }
}
