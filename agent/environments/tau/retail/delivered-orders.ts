// The retail tools for delivered orders and the user's address, after tau_bench/envs/retail/
// tools/exchange_delivered_order_items.py, return_delivered_order_items.py, modify_user_address.py.

import { z } from 'zod';
import { writable } from '../../python/frozen.ts';
import { pyJsonDumps } from '../../python/json.ts';
import { contains, getItem as g, len, lessThan, pyEquals, roundValue, setItem, sorted } from '../../python/ops.ts';
import { pyStr as s } from '../../python/repr.ts';
import type { TauToolImpl } from '../tool.ts';
import { missingItem, priceDifference } from './order-items.ts';
import { address, addressOf, itemSwap } from './pending-orders.ts';

export const exchangeDeliveredOrderItems: TauToolImpl = {
  name: 'exchange_delivered_order_items',
  pyClass: 'ExchangeDeliveredOrderItems',
  params: ['order_id', 'item_ids', 'new_item_ids', 'payment_method_id'],
  args: itemSwap,
  writes: true,
  run(data, a) {
    const products = g(data, 'products');
    const orders = g(data, 'orders');
    const users = g(data, 'users');
    if (!contains(orders, a.order_id!)) return 'Error: order not found';
    const order = writable(orders, a.order_id!);
    if (!pyEquals(g(order, 'status'), 'delivered')) return 'Error: non-delivered order cannot be exchanged';

    const missing = missingItem(order, a.item_ids!);
    if (missing !== undefined) return `Error: ${s(missing)} not found`;
    if (len(a.item_ids!) !== len(a.new_item_ids!)) return 'Error: the number of items to be exchanged should match';
    const price = priceDifference(products, order, a.item_ids!, a.new_item_ids!);
    if ('error' in price) return price.error;
    const diff = roundValue(price.diff, 2);

    if (!contains(g(g(users, g(order, 'user_id')), 'payment_methods'), a.payment_method_id!)) {
      return 'Error: payment method not found';
    }
    const paymentMethod = g(g(g(users, g(order, 'user_id')), 'payment_methods'), a.payment_method_id!);
    if (pyEquals(g(paymentMethod, 'source'), 'gift_card') && lessThan(g(paymentMethod, 'balance'), diff)) {
      return 'Error: insufficient gift card balance to pay for the price difference';
    }

    setItem(order, 'status', 'exchange requested');
    setItem(order, 'exchange_items', sorted(a.item_ids!));
    setItem(order, 'exchange_new_items', sorted(a.new_item_ids!));
    setItem(order, 'exchange_payment_method_id', a.payment_method_id!);
    setItem(order, 'exchange_price_difference', diff);
    return pyJsonDumps(order);
  },
};

export const returnDeliveredOrderItems: TauToolImpl = {
  name: 'return_delivered_order_items',
  pyClass: 'ReturnDeliveredOrderItems',
  params: ['order_id', 'item_ids', 'payment_method_id'],
  args: z.object({ order_id: z.string(), item_ids: z.array(z.string()), payment_method_id: z.string() }).strict(),
  writes: true,
  run(data, a) {
    const orders = g(data, 'orders');
    if (!contains(orders, a.order_id!)) return 'Error: order not found';
    const order = writable(orders, a.order_id!);
    if (!pyEquals(g(order, 'status'), 'delivered')) return 'Error: non-delivered order cannot be returned';

    // The refund goes to the original payment method or to a gift card.
    if (!contains(g(g(g(data, 'users'), g(order, 'user_id')), 'payment_methods'), a.payment_method_id!)) {
      return 'Error: payment method not found';
    }
    if (
      !contains(a.payment_method_id!, 'gift_card') &&
      !pyEquals(a.payment_method_id!, g(g(g(order, 'payment_history'), 0), 'payment_method_id'))
    ) {
      return 'Error: payment method should be either the original payment method or a gift card';
    }
    if (missingItem(order, a.item_ids!) !== undefined) return 'Error: some item not found';

    setItem(order, 'status', 'return requested');
    setItem(order, 'return_items', sorted(a.item_ids!));
    setItem(order, 'return_payment_method_id', a.payment_method_id!);
    return pyJsonDumps(order);
  },
};

export const modifyUserAddress: TauToolImpl = {
  name: 'modify_user_address',
  pyClass: 'ModifyUserAddress',
  params: ['user_id', 'address1', 'address2', 'city', 'state', 'country', 'zip'],
  args: z.object({ user_id: z.string(), ...address }).strict(),
  writes: true,
  run(data, a) {
    const users = g(data, 'users');
    if (!contains(users, a.user_id!)) return 'Error: user not found';
    const user = writable(users, a.user_id!);
    setItem(user, 'address', addressOf(a));
    return pyJsonDumps(user);
  },
};
