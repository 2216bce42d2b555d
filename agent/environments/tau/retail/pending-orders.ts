// The retail tools for pending orders, after tau_bench/envs/retail/tools/cancel_pending_order.py
// and modify_pending_order_{address,items,payment}.py. Gift card balances are rounded with
// Python's round(x, 2) after every change, as τ-bench does.

import { z } from 'zod';
import { writable } from '../../python/frozen.ts';
import { pyJsonDumps } from '../../python/json.ts';
import {
  abs,
  add,
  append,
  contains,
  extend,
  getItem as g,
  greaterThan,
  iter,
  len,
  lessThan,
  pyEquals,
  roundValue,
  setItem,
  sub,
  zip,
} from '../../python/ops.ts';
import { pyStr as s } from '../../python/repr.ts';
import type { PyDict, PyValue } from '../../python/value.ts';
import type { TauToolImpl } from '../tool.ts';
import { firstItem, missingItem, priceDifference } from './order-items.ts';

/** data["users"][order["user_id"]]["payment_methods"], the user record copied for writing. */
function paymentMethods(data: PyDict, order: PyValue): PyValue {
  return g(writable(g(data, 'users'), g(order, 'user_id')), 'payment_methods');
}

/** payment_method["balance"] = round(payment_method["balance"] <op> amount, 2) */
function changeBalance(method: PyValue, amount: PyValue, op: '+=' | '-='): void {
  const balance = g(method, 'balance');
  setItem(method, 'balance', op === '+=' ? add(balance, amount, op) : sub(balance, amount, op));
  setItem(method, 'balance', roundValue(g(method, 'balance'), 2));
}

export const address = {
  address1: z.string(),
  address2: z.string(),
  city: z.string(),
  state: z.string(),
  country: z.string(),
  zip: z.string(),
};

/** {"address1": ..., ..., "zip": ...} in τ-bench's key order. */
export function addressOf(a: Record<string, PyValue>): PyDict {
  return new Map(['address1', 'address2', 'city', 'state', 'country', 'zip'].map((k) => [k, a[k]!]));
}

export const cancelPendingOrder: TauToolImpl = {
  name: 'cancel_pending_order',
  pyClass: 'CancelPendingOrder',
  params: ['order_id', 'reason'],
  args: z.object({ order_id: z.string(), reason: z.enum(['no longer needed', 'ordered by mistake']) }).strict(),
  writes: true,
  run(data, a) {
    const orders = g(data, 'orders');
    if (!contains(orders, a.order_id!)) return 'Error: order not found';
    const order = writable(orders, a.order_id!);
    if (!pyEquals(g(order, 'status'), 'pending')) return 'Error: non-pending order cannot be cancelled';
    if (!contains(['no longer needed', 'ordered by mistake'], a.reason!)) return 'Error: invalid reason';

    const refunds: PyValue[] = [];
    for (const payment of iter(g(order, 'payment_history'))) {
      const paymentId = g(payment, 'payment_method_id');
      refunds.push(
        new Map<string, PyValue>([
          ['transaction_type', 'refund'],
          ['amount', g(payment, 'amount')],
          ['payment_method_id', paymentId],
        ]),
      );
      // A gift card is refunded at once.
      if (contains(paymentId, 'gift_card')) changeBalance(g(paymentMethods(data, order), paymentId), g(payment, 'amount'), '+=');
    }

    setItem(order, 'status', 'cancelled');
    setItem(order, 'cancel_reason', a.reason!);
    extend(g(order, 'payment_history'), refunds);
    return pyJsonDumps(order);
  },
};

export const modifyPendingOrderAddress: TauToolImpl = {
  name: 'modify_pending_order_address',
  pyClass: 'ModifyPendingOrderAddress',
  params: ['order_id', 'address1', 'address2', 'city', 'state', 'country', 'zip'],
  args: z.object({ order_id: z.string(), ...address }).strict(),
  writes: true,
  run(data, a) {
    const orders = g(data, 'orders');
    if (!contains(orders, a.order_id!)) return 'Error: order not found';
    const order = writable(orders, a.order_id!);
    if (!pyEquals(g(order, 'status'), 'pending')) return 'Error: non-pending order cannot be modified';
    setItem(order, 'address', addressOf(a));
    return pyJsonDumps(order);
  },
};

const itemSwap = z
  .object({
    order_id: z.string(),
    item_ids: z.array(z.string()),
    new_item_ids: z.array(z.string()),
    payment_method_id: z.string(),
  })
  .strict();
export { itemSwap };

export const modifyPendingOrderItems: TauToolImpl = {
  name: 'modify_pending_order_items',
  pyClass: 'ModifyPendingOrderItems',
  params: ['order_id', 'item_ids', 'new_item_ids', 'payment_method_id'],
  args: itemSwap,
  writes: true,
  run(data, a) {
    const products = g(data, 'products');
    const orders = g(data, 'orders');
    if (!contains(orders, a.order_id!)) return 'Error: order not found';
    const order = writable(orders, a.order_id!);
    if (!pyEquals(g(order, 'status'), 'pending')) return 'Error: non-pending order cannot be modified';

    const missing = missingItem(order, a.item_ids!);
    if (missing !== undefined) return `Error: ${s(missing)} not found`;
    if (len(a.item_ids!) !== len(a.new_item_ids!)) return 'Error: the number of items to be exchanged should match';
    const price = priceDifference(products, order, a.item_ids!, a.new_item_ids!);
    if ('error' in price) return price.error;
    const diff = price.diff;

    if (!contains(paymentMethods(data, order), a.payment_method_id!)) return 'Error: payment method not found';
    const paymentMethod = g(paymentMethods(data, order), a.payment_method_id!);
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card') && lessThan(g(paymentMethod, 'balance'), diff)) {
      return 'Error: insufficient gift card balance to pay for the new item';
    }

    append(
      g(order, 'payment_history'),
      new Map<string, PyValue>([
        ['transaction_type', greaterThan(diff, 0) ? 'payment' : 'refund'],
        ['amount', abs(diff)],
        ['payment_method_id', a.payment_method_id!],
      ]),
    );
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card')) changeBalance(paymentMethod, diff, '-=');

    for (const [itemId, newItemId] of zip(a.item_ids!, a.new_item_ids!)) {
      const item = firstItem(order, itemId);
      setItem(item, 'item_id', newItemId);
      setItem(item, 'price', g(g(g(g(products, g(item, 'product_id')), 'variants'), newItemId), 'price'));
      setItem(item, 'options', g(g(g(g(products, g(item, 'product_id')), 'variants'), newItemId), 'options'));
    }
    setItem(order, 'status', 'pending (item modified)');
    return pyJsonDumps(order);
  },
};

export const modifyPendingOrderPayment: TauToolImpl = {
  name: 'modify_pending_order_payment',
  pyClass: 'ModifyPendingOrderPayment',
  params: ['order_id', 'payment_method_id'],
  args: z.object({ order_id: z.string(), payment_method_id: z.string() }).strict(),
  writes: true,
  run(data, a) {
    const orders = g(data, 'orders');
    if (!contains(orders, a.order_id!)) return 'Error: order not found';
    const order = writable(orders, a.order_id!);
    if (!pyEquals(g(order, 'status'), 'pending')) return 'Error: non-pending order cannot be modified';
    if (!contains(paymentMethods(data, order), a.payment_method_id!)) return 'Error: payment method not found';

    const history = g(order, 'payment_history');
    const first = () => g(history, 0);
    if (len(history) > 1 || !pyEquals(g(first(), 'transaction_type'), 'payment')) {
      return 'Error: there should be exactly one payment for a pending order';
    }
    if (pyEquals(g(first(), 'payment_method_id'), a.payment_method_id!)) {
      return 'Error: the new payment method should be different from the current one';
    }

    const amount = g(first(), 'amount');
    const paymentMethod = g(paymentMethods(data, order), a.payment_method_id!);
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card') && lessThan(g(paymentMethod, 'balance'), amount)) {
      return 'Error: insufficient gift card balance to pay for the order';
    }

    extend(history, [
      new Map<string, PyValue>([
        ['transaction_type', 'payment'],
        ['amount', amount],
        ['payment_method_id', a.payment_method_id!],
      ]),
      new Map<string, PyValue>([
        ['transaction_type', 'refund'],
        ['amount', amount],
        ['payment_method_id', g(first(), 'payment_method_id')],
      ]),
    ]);
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card')) changeBalance(paymentMethod, amount, '-=');
    if (contains(g(first(), 'payment_method_id'), 'gift_card')) {
      changeBalance(g(paymentMethods(data, order), g(first(), 'payment_method_id')), amount, '+=');
    }
    return pyJsonDumps(order);
  },
};
