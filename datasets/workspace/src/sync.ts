// Background sync with the self-hosted Lunar server.

export const MAX_RETRIES = 5;
/** Wait before each retry, in milliseconds. */
export const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000];

export function startSync(intervalSeconds: number): NodeJS.Timeout {
  return setInterval(() => void syncOnce(), intervalSeconds * 1000);
}

async function syncOnce(): Promise<void> {
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    try {
      await pushChanges();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS[attempt]));
    }
  }
  console.error(`sync failed after ${MAX_RETRIES} attempts`);
}

async function pushChanges(): Promise<void> {
  // Sends local changes to the server; omitted here.
}
