// current_time: the date and time "now", read from context.now() so runs and tests can pin it.
// Output: "<ISO instant in UTC> (<Weekday>, <day> <Month> <year>, <HH:mm> in <zone>)", e.g.
//   2026-11-24T21:40:00.000Z (Wednesday, 25 November 2026, 06:40 in Asia/Tokyo)
// The ISO part is always UTC so scorers can compare it; the rest is the wall clock in the zone.

import { z } from 'zod';
import { defineTool } from './tool.ts';

const schema = z.object({
  timezone: z
    .string()
    .default('UTC')
    .describe('Time zone to give the local time in, as an IANA name such as "Europe/Paris", "Asia/Tokyo" or "America/New_York". Default "UTC"'),
});

export const currentTimeTool = defineTool({
  name: 'current_time',
  description:
    'Get the current date and time, now or today, optionally in a given time zone (such as Europe/Paris). ' +
    'Use it to answer what time it is, what the date is today, or what day of the week it is.',
  schema,
  run(args, context) {
    return describeTime(context.now(), args.timezone);
  },
});

export function describeTime(now: Date, timezone: string): string {
  const format = formatterFor(timezone.trim() === '' ? 'UTC' : timezone.trim());
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  // Built from parts so the layout does not depend on the locale data shipped with Node.
  const local = `${parts.weekday}, ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}`;
  return `${now.toISOString()} (${local} in ${format.resolvedOptions().timeZone})`;
}

function formatterFor(timezone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new Error(`unknown timezone "${timezone}"; use an IANA name such as Europe/Paris`);
  }
}
