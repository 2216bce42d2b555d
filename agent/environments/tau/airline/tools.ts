// The airline domain's 14 tools, in τ-bench's order (tools.json lists them the same way).

import { calculate, think, transferToHumanAgents } from '../common-tools.ts';
import type { TauToolImpl } from '../tool.ts';
import { bookReservation } from './book-reservation.ts';
import {
  cancelReservation,
  updateReservationBaggages,
  updateReservationFlights,
  updateReservationPassengers,
} from './change-reservation.ts';
import {
  getReservationDetails,
  getUserDetails,
  listAllAirports,
  searchDirectFlight,
  searchOnestopFlight,
  sendCertificate,
} from './lookup.ts';

export const AIRLINE_TOOLS: readonly TauToolImpl[] = [
  bookReservation,
  calculate,
  cancelReservation,
  getReservationDetails,
  getUserDetails,
  listAllAirports,
  searchDirectFlight,
  searchOnestopFlight,
  sendCertificate,
  think,
  transferToHumanAgents,
  updateReservationBaggages,
  updateReservationFlights,
  updateReservationPassengers,
];

/** τ-bench's load_data() keys, in its order. */
export const AIRLINE_TABLES = ['flights', 'reservations', 'users'] as const;
