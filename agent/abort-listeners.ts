// Many runs listen on one caller's signal at once: a bench run's pool of attempts shares the run's
// abort signal, so with --concurrency 16 sixteen listeners sit on it. Each run removes its own when
// it ends, so their number is bounded by the runs in flight, not a leak — but Node warns
// (MaxListenersExceededWarning) past 10 on any EventTarget. The limit here follows the listeners
// attached through onAbort, keeping Node's margin of 10 for everyone else's, so a real leak
// elsewhere on the signal is still reported.

import { getMaxListeners, setMaxListeners } from 'node:events';

const MARGIN = 10;
const attached = new WeakMap<AbortSignal, number>();

/** Calls `listener` once when `signal` aborts; the function returned detaches it. */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  const count = (attached.get(signal) ?? 0) + 1;
  attached.set(signal, count);
  if (getMaxListeners(signal) < count + MARGIN) setMaxListeners(count + MARGIN, signal);
  signal.addEventListener('abort', listener, { once: true });
  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    signal.removeEventListener('abort', listener);
    attached.set(signal, (attached.get(signal) ?? 1) - 1);
  };
}
