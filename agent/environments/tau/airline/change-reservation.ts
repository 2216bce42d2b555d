// The airline tools that change an existing reservation, after tau_bench/envs/airline/tools/
// cancel_reservation.py, update_reservation_{baggages,flights,passengers}.py.

import { z } from 'zod';
import { writable } from '../../python/frozen.ts';
import { pyJsonDumps } from '../../python/json.ts';
import {
  add,
  append,
  contains,
  extend,
  getItem as g,
  iter,
  len,
  lessThan,
  max,
  mul,
  neg,
  pyEquals,
  setItem,
  sub,
  sumOf,
  truthy,
} from '../../python/ops.ts';
import { pyStr as s } from '../../python/repr.ts';
import { deepCopy, type PyDict, type PyValue } from '../../python/value.ts';
import type { TauToolImpl } from '../tool.ts';
import { cabin, flightRef, passenger } from './book-reservation.ts';

export const cancelReservation: TauToolImpl = {
  name: 'cancel_reservation',
  pyClass: 'CancelReservation',
  params: ['reservation_id'],
  args: z.object({ reservation_id: z.string() }).strict(),
  writes: true,
  run(data, a) {
    const reservations = g(data, 'reservations');
    if (!contains(reservations, a.reservation_id!)) return 'Error: reservation not found';
    const reservation = writable(reservations, a.reservation_id!);
    const refunds: PyValue[] = [];
    for (const payment of iter(g(reservation, 'payment_history'))) {
      refunds.push(
        new Map<string, PyValue>([
          ['payment_id', g(payment, 'payment_id')],
          ['amount', neg(g(payment, 'amount'))],
        ]),
      );
    }
    extend(g(reservation, 'payment_history'), refunds);
    setItem(reservation, 'status', 'cancelled');
    return pyJsonDumps(reservation);
  },
};

/** users[reservation["user_id"]]["payment_methods"], its user record copied for writing. */
function paymentMethods(data: PyDict, reservation: PyValue): PyValue {
  return g(writable(g(data, 'users'), g(reservation, 'user_id')), 'payment_methods');
}

export const updateReservationBaggages: TauToolImpl = {
  name: 'update_reservation_baggages',
  pyClass: 'UpdateReservationBaggages',
  params: ['reservation_id', 'total_baggages', 'nonfree_baggages', 'payment_id'],
  args: z
    .object({
      reservation_id: z.string(),
      total_baggages: z.number().int(),
      nonfree_baggages: z.number().int(),
      payment_id: z.string(),
    })
    .strict(),
  writes: true,
  run(data, a) {
    const reservations = g(data, 'reservations');
    if (!contains(reservations, a.reservation_id!)) return 'Error: reservation not found';
    const reservation = writable(reservations, a.reservation_id!);

    const totalPrice = mul(50, max(0, sub(a.nonfree_baggages!, g(reservation, 'nonfree_baggages'))));
    if (!contains(paymentMethods(data, reservation), a.payment_id!)) return 'Error: payment method not found';
    const paymentMethod = g(paymentMethods(data, reservation), a.payment_id!);
    if (pyEquals(g(paymentMethod, 'source'), 'certificate')) return 'Error: certificate cannot be used to update reservation';
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card') && lessThan(g(paymentMethod, 'amount'), totalPrice)) {
      return 'Error: gift card balance is not enough';
    }

    setItem(reservation, 'total_baggages', a.total_baggages!);
    setItem(reservation, 'nonfree_baggages', a.nonfree_baggages!);
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card')) {
      setItem(paymentMethod, 'amount', sub(g(paymentMethod, 'amount'), totalPrice, '-='));
    }
    if (!pyEquals(totalPrice, 0)) {
      append(
        g(reservation, 'payment_history'),
        new Map<string, PyValue>([
          ['payment_id', a.payment_id!],
          ['amount', totalPrice],
        ]),
      );
    }
    return pyJsonDumps(reservation);
  },
};

export const updateReservationFlights: TauToolImpl = {
  name: 'update_reservation_flights',
  pyClass: 'UpdateReservationFlights',
  params: ['reservation_id', 'cabin', 'flights', 'payment_id'],
  args: z.object({ reservation_id: z.string(), cabin, flights: z.array(flightRef), payment_id: z.string() }).strict(),
  writes: true,
  run(data, a) {
    const reservations = g(data, 'reservations');
    if (!contains(reservations, a.reservation_id!)) return 'Error: reservation not found';
    const reservation = writable(reservations, a.reservation_id!);

    let totalPrice: PyValue = 0;
    const flights = deepCopy(a.flights!);
    for (const flight of iter(flights)) {
      // A segment the reservation already has, in the same cabin, keeps its price.
      const existing = iter(g(reservation, 'flights')).filter(
        (f) =>
          pyEquals(g(f, 'flight_number'), g(flight, 'flight_number')) &&
          pyEquals(g(f, 'date'), g(flight, 'date')) &&
          pyEquals(a.cabin!, g(reservation, 'cabin')),
      );
      if (truthy(existing)) {
        const [same] = existing;
        totalPrice = add(totalPrice, mul(g(same!, 'price'), len(g(reservation, 'passengers'))), '+=');
        setItem(flight, 'price', g(same!, 'price'));
        setItem(flight, 'origin', g(same!, 'origin'));
        setItem(flight, 'destination', g(same!, 'destination'));
        continue;
      }
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
      if (lessThan(g(g(flightDateData, 'available_seats'), a.cabin!), len(g(reservation, 'passengers')))) {
        return `Error: not enough seats on flight ${s(flightNumber)}`;
      }
      setItem(flight, 'price', g(g(flightDateData, 'prices'), a.cabin!));
      setItem(flight, 'origin', g(flightData, 'origin'));
      setItem(flight, 'destination', g(flightData, 'destination'));
      totalPrice = add(totalPrice, mul(g(flight, 'price'), len(g(reservation, 'passengers'))), '+=');
    }
    const oldPrice = sumOf(g(reservation, 'flights'), (f) => g(f, 'price'));
    totalPrice = sub(totalPrice, mul(oldPrice, len(g(reservation, 'passengers'))), '-=');

    if (!contains(paymentMethods(data, reservation), a.payment_id!)) return 'Error: payment method not found';
    const paymentMethod = g(paymentMethods(data, reservation), a.payment_id!);
    if (pyEquals(g(paymentMethod, 'source'), 'certificate')) return 'Error: certificate cannot be used to update reservation';
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card') && lessThan(g(paymentMethod, 'amount'), totalPrice)) {
      return 'Error: gift card balance is not enough';
    }

    if (pyEquals(g(paymentMethod, 'source'), 'gift_card')) {
      setItem(paymentMethod, 'amount', sub(g(paymentMethod, 'amount'), totalPrice, '-='));
    }
    setItem(reservation, 'flights', flights);
    if (!pyEquals(totalPrice, 0)) {
      append(
        g(reservation, 'payment_history'),
        new Map<string, PyValue>([
          ['payment_id', a.payment_id!],
          ['amount', totalPrice],
        ]),
      );
    }
    // τ-bench does not update the flight database here ("assume it takes time to be updated").
    return pyJsonDumps(reservation);
  },
};

export const updateReservationPassengers: TauToolImpl = {
  name: 'update_reservation_passengers',
  pyClass: 'UpdateReservationPassengers',
  params: ['reservation_id', 'passengers'],
  args: z.object({ reservation_id: z.string(), passengers: z.array(passenger) }).strict(),
  writes: true,
  run(data, a) {
    const reservations = g(data, 'reservations');
    if (!contains(reservations, a.reservation_id!)) return 'Error: reservation not found';
    const reservation = writable(reservations, a.reservation_id!);
    if (len(a.passengers!) !== len(g(reservation, 'passengers'))) return 'Error: number of passengers does not match';
    setItem(reservation, 'passengers', a.passengers!);
    return pyJsonDumps(reservation);
  },
};
