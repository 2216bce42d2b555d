import { describe, expect, it } from 'vitest';
import { onAbort } from './abort-listeners.ts';

async function warningsDuring(work: () => void): Promise<string[]> {
  const seen: string[] = [];
  const record = (warning: Error) => seen.push(warning.name);
  process.on('warning', record);
  try {
    work();
    // Node emits process warnings on a later tick.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('warning', record);
  }
  return seen;
}

describe('onAbort', () => {
  it('lets 50 runs listen on one signal at once without a MaxListenersExceededWarning, and calls each once on abort', async () => {
    const controller = new AbortController();
    let calls = 0;
    const detachers: (() => void)[] = [];
    const warnings = await warningsDuring(() => {
      for (let i = 0; i < 50; i++) detachers.push(onAbort(controller.signal, () => calls++));
    });
    expect(warnings).toEqual([]);
    controller.abort();
    expect(calls).toBe(50);
  });

  it('does not call a listener that was detached', () => {
    const controller = new AbortController();
    let calls = 0;
    const detach = onAbort(controller.signal, () => calls++);
    detach();
    detach();
    controller.abort();
    expect(calls).toBe(0);
  });

  it('still warns about listeners added to the signal some other way past the margin of 10', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) onAbort(controller.signal, () => undefined);
    const warnings = await warningsDuring(() => {
      for (let i = 0; i < 11; i++) controller.signal.addEventListener('abort', () => undefined);
    });
    expect(warnings).toEqual(['MaxListenersExceededWarning']);
  });
});
