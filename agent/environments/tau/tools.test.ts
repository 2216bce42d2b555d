// The ported tools' error strings and argument handling, worked by hand from τ-bench's Python.

import { describe, expect, it } from 'vitest';
import { parsePyJson } from '../python/json.ts';
import type { PyDict } from '../python/value.ts';
import { freshState, loadTauDomain } from './load.ts';
import { invokeAction } from './step.ts';
import { skipWithoutTauData, TAU_DATA_DIR } from './test-data.ts';

const skip = skipWithoutTauData('the τ-bench tool tests');

function call(domain: 'airline' | 'retail', name: string, args: string, state?: PyDict): string | null {
  const data = loadTauDomain(domain, TAU_DATA_DIR);
  return invokeAction(data, state ?? freshState(data), { name, kwargs: parsePyJson(args) as PyDict });
}

describe.skipIf(skip)('tool errors, as τ-bench words them', () => {
  it('returns the tools own error strings', () => {
    expect(call('airline', 'get_reservation_details', '{"reservation_id": "NOPE00"}')).toBe('Error: user not found');
    expect(call('airline', 'cancel_reservation', '{"reservation_id": "NOPE00"}')).toBe('Error: reservation not found');
    expect(call('retail', 'get_order_details', '{"order_id": "W2611340"}')).toBe('Error: order not found');
    expect(call('retail', 'cancel_pending_order', '{"order_id": "#W2611340", "reason": "no longer needed"}')).toBe(
      'Error: non-pending order cannot be cancelled',
    );
  });

  it("turns Python's exceptions into observations: KeyError shows the key's repr", () => {
    const args = {
      user_id: 'mia_li_3668',
      origin: 'JFK',
      destination: 'SEA',
      flight_type: 'one_way',
      cabin: 'first',
      flights: [{ flight_number: 'HAT136', date: '2024-05-20' }],
      passengers: [{ first_name: 'Mia', last_name: 'Li', dob: '1990-04-05' }],
      payment_methods: [{ payment_id: 'credit_card_4421486', amount: 1 }],
      total_baggages: 0,
      nonfree_baggages: 0,
      insurance: 'no',
    };
    expect(call('airline', 'book_reservation', JSON.stringify(args))).toBe("Error: 'first'");
  });

  it("reports bad arguments with CPython 3.11's TypeError messages", () => {
    expect(call('airline', 'get_user_details', '{}')).toBe(
      "Error: GetUserDetails.invoke() missing 1 required positional argument: 'user_id'",
    );
    expect(call('airline', 'update_reservation_flights', '{"cabin": "economy"}')).toBe(
      "Error: UpdateReservationFlights.invoke() missing 3 required positional arguments: 'reservation_id', 'flights', and 'payment_id'",
    );
    expect(call('airline', 'get_user_details', '{"user_id": "x", "verbose": true}')).toBe(
      "Error: GetUserDetails.invoke() got an unexpected keyword argument 'verbose'",
    );
    expect(call('retail', 'think', '{"thought": "x", "data": 1}')).toBe(
      "Error: tau_bench.envs.retail.tools.think.Think.invoke() got multiple values for keyword argument 'data'",
    );
  });

  it('fails inside the tool the way Python would on wrongly typed arguments', () => {
    expect(call('retail', 'return_delivered_order_items', '{"order_id": 5, "item_ids": [], "payment_method_id": "x"}')).toBe(
      'Error: order not found',
    );
    expect(call('retail', 'find_user_id_by_email', '{"email": 5}')).toBe("Error: 'int' object has no attribute 'lower'");
    expect(call('airline', 'update_reservation_passengers', '{"reservation_id": "4WQ150", "passengers": 3}')).toBe(
      "Error: object of type 'int' has no len()",
    );
  });

  it('answers an unknown tool as Env.step does', () => {
    expect(call('retail', 'delete_everything', '{}')).toBe('Unknown action delete_everything');
  });
});

describe.skipIf(skip)('tool results', () => {
  it('keeps a float written 250.0 a float, in the observation and in the database', () => {
    const data = loadTauDomain('airline', TAU_DATA_DIR);
    const state = freshState(data);
    expect(call('airline', 'send_certificate', '{"user_id": "mia_li_3668", "amount": 250.0}', state)).toBe(
      'Certificate certificate_3221322 added to user mia_li_3668 with amount 250.0.',
    );
    expect(call('airline', 'get_user_details', '{"user_id": "mia_li_3668"}', state)).toContain(
      '"certificate_3221322": {"source": "certificate", "amount": 250.0, "id": "certificate_3221322"}',
    );
  });

  it('rounds gift card balances with round(x, 2) and leaves other episodes alone', () => {
    const data = loadTauDomain('retail', TAU_DATA_DIR);
    const state = freshState(data);
    const before = call('retail', 'get_user_details', '{"user_id": "lucas_muller_4380"}');
    call(
      'retail',
      'modify_pending_order_items',
      '{"order_id": "#W3206099", "item_ids": ["3330317167"], "new_item_ids": ["3330317167"], "payment_method_id": "gift_card_2748512"}',
      state,
    );
    expect(call('retail', 'get_user_details', '{"user_id": "lucas_muller_4380"}', state)).toContain('"balance": 9.0');
    expect(call('retail', 'get_user_details', '{"user_id": "lucas_muller_4380"}')).toBe(before);
    expect(before).toContain('"balance": 9,');
  });

  it('offers the JSON Schemas of tools.json, and zod validators that agree with them', () => {
    const data = loadTauDomain('retail', TAU_DATA_DIR);
    const tool = data.toolsByName.get('cancel_pending_order')!;
    expect(tool.parameters).toMatchObject({ required: ['order_id', 'reason'] });
    expect(tool.args.safeParse({ order_id: '#W1', reason: 'no longer needed' }).success).toBe(true);
    expect(tool.args.safeParse({ order_id: '#W1', reason: 'changed my mind' }).success).toBe(false);
    expect(tool.args.safeParse({ order_id: '#W1', reason: 'no longer needed', extra: 1 }).success).toBe(false);
    expect(loadTauDomain('airline', TAU_DATA_DIR).tools).toHaveLength(14);
    expect(data.tools).toHaveLength(16);
  });
});
