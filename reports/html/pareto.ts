// The Pareto front of a quality–cost (or quality–latency) chart: the points no other point beats,
// that is none has quality at least as high and cost at least as low, and one of the two strictly.
// Those are the configurations worth choosing between; every other one is worse on both counts
// than something on the front.

export interface TradeoffPoint {
  /** Higher is better (a pass rate). */
  quality: number;
  /** Lower is better (dollars per attempt, or milliseconds). */
  cost: number;
}

/** Whether a beats b: at least as good on both, strictly better on one. */
export function dominates(a: TradeoffPoint, b: TradeoffPoint): boolean {
  return a.quality >= b.quality && a.cost <= b.cost && (a.quality > b.quality || a.cost < b.cost);
}

/**
 * For each point, whether it is on the front. Two identical points are both on it (neither beats
 * the other). Points with a non-finite coordinate are never on it and beat nothing: a target
 * nothing could check has no quality to trade.
 */
export function paretoFront(points: readonly TradeoffPoint[]): boolean[] {
  const usable = (p: TradeoffPoint) => Number.isFinite(p.quality) && Number.isFinite(p.cost);
  // n is targets × configurations: a handful, so the plain pairwise check is clearest.
  return points.map((p) => usable(p) && !points.some((q) => q !== p && usable(q) && dominates(q, p)));
}
