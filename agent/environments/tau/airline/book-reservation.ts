// book_reservation, line for line after tau_bench/envs/airline/tools/book_reservation.py. Every
// subscript, comparison and sum goes through the Python helpers so that odd arguments fail with
// Python's messages, and in Python's order (a certificate listed twice is deleted once, then
// raises KeyError, with the gift cards before it already charged).

import { z } from 'zod';
import { writable } from '../../python/frozen.ts';
import { pyJsonDumps } from '../../python/json.ts';
import {
  add,
  append,
  contains,
  delItem,
  getItem as g,
  iter,
  len,
  lessThan,
  mul,
  pyEquals,
  setItem,
  sub,
  sumOf,
} from '../../python/ops.ts';
import { pyStr as s } from '../../python/repr.ts';
import { deepCopy, type PyDict, type PyValue } from '../../python/value.ts';
import type { TauToolImpl } from '../tool.ts';

const cabin = z.enum(['basic_economy', 'economy', 'business']);
export const flightRef = z.object({ flight_number: z.string(), date: z.string() });
export const passenger = z.object({ first_name: z.string(), last_name: z.string(), dob: z.string() });
export { cabin };

export const bookReservation: TauToolImpl = {
  name: 'book_reservation',
  pyClass: 'BookReservation',
  params: [
    'user_id',
    'origin',
    'destination',
    'flight_type',
    'cabin',
    'flights',
    'passengers',
    'payment_methods',
    'total_baggages',
    'nonfree_baggages',
    'insurance',
  ],
  args: z
    .object({
      user_id: z.string(),
      origin: z.string(),
      destination: z.string(),
      flight_type: z.enum(['one_way', 'round_trip']),
      cabin,
      flights: z.array(flightRef),
      passengers: z.array(passenger),
      payment_methods: z.array(z.object({ payment_id: z.string(), amount: z.number() })),
      total_baggages: z.number().int(),
      nonfree_baggages: z.number().int(),
      insurance: z.enum(['yes', 'no']),
    })
    .strict(),
  writes: true,
  run(data, a) {
    const reservations = g(data, 'reservations');
    const users = g(data, 'users');
    if (!contains(users, a.user_id!)) return 'Error: user not found';
    const user = writable(users, a.user_id!);

    // τ-bench assumes at most three bookings per task.
    let reservationId = 'HATHAT';
    if (contains(reservations, reservationId)) {
      reservationId = 'HATHAU';
      if (contains(reservations, reservationId)) reservationId = 'HATHAV';
    }

    const reservation: PyDict = new Map<string, PyValue>([
      ['reservation_id', reservationId],
      ['user_id', a.user_id!],
      ['origin', a.origin!],
      ['destination', a.destination!],
      ['flight_type', a.flight_type!],
      ['cabin', a.cabin!],
      ['flights', deepCopy(a.flights!)],
      ['passengers', a.passengers!],
      ['payment_history', a.payment_methods!],
      ['created_at', '2024-05-15T15:00:00'],
      ['total_baggages', a.total_baggages!],
      ['nonfree_baggages', a.nonfree_baggages!],
      ['insurance', a.insurance!],
    ]);

    let totalPrice: PyValue = 0;
    for (const flight of iter(g(reservation, 'flights'))) {
      const flightNumber = g(flight, 'flight_number');
      if (!contains(g(data, 'flights'), flightNumber)) return `Error: flight ${s(flightNumber)} not found`;
      const flightData = g(g(data, 'flights'), flightNumber);
      if (!contains(g(flightData, 'dates'), g(flight, 'date'))) {
        return `Error: flight ${s(flightNumber)} not found on date ${s(g(flight, 'date'))}`;
      }
      const flightDateData = g(g(flightData, 'dates'), g(flight, 'date'));
      if (!pyEquals(g(flightDateData, 'status'), 'available')) {
        return `Error: flight ${s(flightNumber)} not available on date ${s(g(flight, 'date'))}`;
      }
      if (lessThan(g(g(flightDateData, 'available_seats'), a.cabin!), len(a.passengers!))) {
        return `Error: not enough seats on flight ${s(flightNumber)}`;
      }
      setItem(flight, 'price', g(g(flightDateData, 'prices'), a.cabin!));
      setItem(flight, 'origin', g(flightData, 'origin'));
      setItem(flight, 'destination', g(flightData, 'destination'));
      totalPrice = add(totalPrice, mul(g(flight, 'price'), len(a.passengers!)), '+=');
    }

    if (pyEquals(a.insurance!, 'yes')) totalPrice = add(totalPrice, mul(30, len(a.passengers!)), '+=');
    totalPrice = add(totalPrice, mul(50, a.nonfree_baggages!), '+=');

    for (const paymentMethod of iter(a.payment_methods!)) {
      const paymentId = g(paymentMethod, 'payment_id');
      const amount = g(paymentMethod, 'amount');
      if (!contains(g(user, 'payment_methods'), paymentId)) return `Error: payment method ${s(paymentId)} not found`;
      if (contains(['gift_card', 'certificate'], g(g(g(user, 'payment_methods'), paymentId), 'source'))) {
        if (lessThan(g(g(g(user, 'payment_methods'), paymentId), 'amount'), amount)) {
          return `Error: not enough balance in payment method ${s(paymentId)}`;
        }
      }
    }
    const paid = () => sumOf(a.payment_methods!, (payment) => g(payment, 'amount'));
    if (!pyEquals(paid(), totalPrice)) {
      return `Error: payment amount does not add up, total price is ${s(totalPrice)}, but paid ${s(paid())}`;
    }

    // The checks passed: charge gift cards, use up certificates.
    for (const paymentMethod of iter(a.payment_methods!)) {
      const paymentId = g(paymentMethod, 'payment_id');
      const amount = g(paymentMethod, 'amount');
      const method = g(g(user, 'payment_methods'), paymentId);
      if (pyEquals(g(method, 'source'), 'gift_card')) {
        setItem(method, 'amount', sub(g(method, 'amount'), amount, '-='));
      } else if (pyEquals(g(g(g(user, 'payment_methods'), paymentId), 'source'), 'certificate')) {
        delItem(g(user, 'payment_methods'), paymentId);
      }
    }

    setItem(reservations, reservationId, reservation);
    append(g(user, 'reservations'), reservationId);
    return pyJsonDumps(reservation);
  },
};
