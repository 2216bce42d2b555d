// The requests-per-minute and tokens-per-minute budgets, kept as sliding 60-second windows of
// the calls a lane started: a call starts only when the calls (tokens) started in the last minute
// leave room for it, so no minute-long window ever holds more than the quota, whatever the burst
// (fixed minutes would let a burst either side of a boundary through). The lane holds the
// entries; these functions drop the expired ones and say when the next call fits, so the
// scheduler can set one timer for that moment instead of polling.

/** The window rpm and tpm are counted over. */
export const WINDOW_MS = 60_000;

export interface TokenEntry {
  at: number;
  tokens: number;
}

/** The part of a lane the rpm window reads. */
export interface RequestWindow {
  rpm?: number;
  /** Start times of the calls in the rpm window. */
  requests: number[];
}

/** The part of a lane the tpm window reads. */
export interface TokenWindow {
  tpm?: number;
  /** Start times and token counts of the calls in the tpm window. */
  tokens: TokenEntry[];
}

/** When the rpm window has room for one more call (`now` if it has; drops expired entries). */
export function rpmReadyAt(lane: RequestWindow, now: number): number {
  if (lane.rpm === undefined) return now;
  while (lane.requests.length > 0 && lane.requests[0]! + WINDOW_MS <= now) lane.requests.shift();
  if (lane.requests.length < lane.rpm) return now;
  return lane.requests[lane.requests.length - lane.rpm]! + WINDOW_MS;
}

/** When the tpm window has room for `cost` more tokens (`now` if it has; drops expired entries). */
export function tpmReadyAt(lane: TokenWindow, now: number, cost: number): number {
  if (lane.tpm === undefined) return now;
  while (lane.tokens.length > 0 && lane.tokens[0]!.at + WINDOW_MS <= now) lane.tokens.shift();
  let used = 0;
  for (const entry of lane.tokens) used += entry.tokens;
  if (used + cost <= lane.tpm) return now;
  for (const entry of lane.tokens) {
    used -= entry.tokens;
    if (used + cost <= lane.tpm) return entry.at + WINDOW_MS;
  }
  return now; // unreachable: cost ≤ tpm, so an empty window always fits
}
