// Who the bot talks to: Telegram user ids named in the config. Everyone else is refused with one
// line that tells them their id (the one thing they need to ask the owner for access), and
// nothing they sent is read by the agent, kept in a session or logged.

export class Allowlist {
  private readonly ids: ReadonlySet<number>;

  constructor(ids: Iterable<number>) {
    this.ids = new Set(ids);
  }

  allows(userId: number | undefined): boolean {
    return userId !== undefined && this.ids.has(userId);
  }

  get size(): number {
    return this.ids.size;
  }
}

export function refusalLine(userId: number): string {
  return `Sorry, I only talk with people on my allowlist. Your Telegram user id is ${userId}: if you know who runs me, ask them to add it.`;
}
