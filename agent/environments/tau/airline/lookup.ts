// The airline tools that read (and send_certificate, which adds a payment method), after
// tau_bench/envs/airline/tools/*.py.

import { z } from 'zod';
import { writable } from '../../python/frozen.ts';
import { pyJsonDumps } from '../../python/json.ts';
import { add, contains, getItem as g, greaterThan, intFromString, iter, pyEquals, setItem, tail, values } from '../../python/ops.ts';
import { pyStr as s } from '../../python/repr.ts';
import type { PyDict, PyValue } from '../../python/value.ts';
import type { TauToolImpl } from '../tool.ts';

export const getReservationDetails: TauToolImpl = {
  name: 'get_reservation_details',
  pyClass: 'GetReservationDetails',
  params: ['reservation_id'],
  args: z.object({ reservation_id: z.string() }).strict(),
  writes: false,
  run(data, a) {
    const reservations = g(data, 'reservations');
    if (contains(reservations, a.reservation_id!)) return pyJsonDumps(g(reservations, a.reservation_id!));
    return 'Error: user not found'; // sic: τ-bench says "user" here
  },
};

export const getUserDetails: TauToolImpl = {
  name: 'get_user_details',
  pyClass: 'GetUserDetails',
  params: ['user_id'],
  args: z.object({ user_id: z.string() }).strict(),
  writes: false,
  run(data, a) {
    const users = g(data, 'users');
    if (contains(users, a.user_id!)) return pyJsonDumps(g(users, a.user_id!));
    return 'Error: user not found';
  },
};

const AIRPORTS: [string, string][] = [
  ['SFO', 'San Francisco'],
  ['JFK', 'New York'],
  ['LAX', 'Los Angeles'],
  ['ORD', 'Chicago'],
  ['DFW', 'Dallas'],
  ['DEN', 'Denver'],
  ['SEA', 'Seattle'],
  ['ATL', 'Atlanta'],
  ['MIA', 'Miami'],
  ['BOS', 'Boston'],
  ['PHX', 'Phoenix'],
  ['IAH', 'Houston'],
  ['LAS', 'Las Vegas'],
  ['MCO', 'Orlando'],
  ['EWR', 'Newark'],
  ['CLT', 'Charlotte'],
  ['MSP', 'Minneapolis'],
  ['DTW', 'Detroit'],
  ['PHL', 'Philadelphia'],
  ['LGA', 'LaGuardia'],
];

export const listAllAirports: TauToolImpl = {
  name: 'list_all_airports',
  pyClass: 'ListAllAirports',
  params: [],
  args: z.object({}).strict(),
  writes: false,
  run: () => pyJsonDumps(new Map<string, PyValue>(AIRPORTS)),
};

const searchArgs = z.object({ origin: z.string(), destination: z.string(), date: z.string() }).strict();

/** {k: v for k, v in flight.items() if k != "dates"}, then .update(day) */
function flightOnDay(flight: PyValue, day: PyValue): PyDict {
  const out: PyDict = new Map();
  for (const [k, v] of flight as PyDict) if (k !== 'dates') out.set(k, v);
  for (const k of iter(day)) out.set(k as string, g(day, k));
  return out;
}

export const searchDirectFlight: TauToolImpl = {
  name: 'search_direct_flight',
  pyClass: 'SearchDirectFlight',
  params: ['origin', 'destination', 'date'],
  args: searchArgs,
  writes: false,
  run(data, a) {
    const results: PyValue[] = [];
    for (const flight of values(g(data, 'flights'))) {
      if (pyEquals(g(flight, 'origin'), a.origin!) && pyEquals(g(flight, 'destination'), a.destination!)) {
        if (contains(g(flight, 'dates'), a.date!) && pyEquals(g(g(g(flight, 'dates'), a.date!), 'status'), 'available')) {
          results.push(flightOnDay(flight, g(g(flight, 'dates'), a.date!)));
        }
      }
    }
    return pyJsonDumps(results);
  },
};

export const searchOnestopFlight: TauToolImpl = {
  name: 'search_onestop_flight',
  pyClass: 'SearchOnestopFlight',
  params: ['origin', 'destination', 'date'],
  args: searchArgs,
  writes: false,
  run(data, a) {
    const date = a.date!;
    const flights = values(g(data, 'flights'));
    const results: PyValue[] = [];
    for (const flight1 of flights) {
      if (!pyEquals(g(flight1, 'origin'), a.origin!)) continue;
      for (const flight2 of flights) {
        if (!(pyEquals(g(flight2, 'destination'), a.destination!) && pyEquals(g(flight1, 'destination'), g(flight2, 'origin')))) {
          continue;
        }
        // An arrival "+1" day later connects on the next date, written without zero padding as
        // τ-bench writes it ("2024-05-8"), which then matches no date.
        const date2 = contains(g(flight1, 'scheduled_arrival_time_est'), '+1')
          ? `2024-05-${s(add(intFromString(tail(date, 2)), 1))}`
          : date;
        if (greaterThan(g(flight1, 'scheduled_arrival_time_est'), g(flight2, 'scheduled_departure_time_est'))) continue;
        if (contains(g(flight1, 'dates'), date) && contains(g(flight2, 'dates'), date2)) {
          if (
            pyEquals(g(g(g(flight1, 'dates'), date), 'status'), 'available') &&
            pyEquals(g(g(g(flight2, 'dates'), date2), 'status'), 'available')
          ) {
            const result1 = flightOnDay(flight1, g(g(flight1, 'dates'), date));
            result1.set('date', date);
            // τ-bench takes the second flight's details from the first date, not date2.
            const result2 = flightOnDay(flight2, g(g(flight2, 'dates'), date));
            result2.set('date', date2);
            results.push([result1, result2]);
          }
        }
      }
    }
    return pyJsonDumps(results);
  },
};

export const sendCertificate: TauToolImpl = {
  name: 'send_certificate',
  pyClass: 'SendCertificate',
  params: ['user_id', 'amount'],
  args: z.object({ user_id: z.string(), amount: z.number() }).strict(),
  writes: true,
  run(data, a) {
    const users = g(data, 'users');
    if (!contains(users, a.user_id!)) return 'Error: user not found';
    const user = writable(users, a.user_id!);
    // τ-bench assumes at most three certificates per task; a fourth returns None.
    for (const id of [3221322, 3221323, 3221324]) {
      const paymentId = `certificate_${id}`;
      if (!contains(g(user, 'payment_methods'), paymentId)) {
        setItem(
          g(user, 'payment_methods'),
          paymentId,
          new Map<string, PyValue>([
            ['source', 'certificate'],
            ['amount', a.amount!],
            ['id', paymentId],
          ]),
        );
        return `Certificate ${paymentId} added to user ${s(a.user_id!)} with amount ${s(a.amount!)}.`;
      }
    }
    return null;
  },
};
