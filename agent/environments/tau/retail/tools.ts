// The retail domain's 16 tools, in τ-bench's order (tools.json lists them the same way).

import { calculate, think, transferToHumanAgents } from '../common-tools.ts';
import type { TauToolImpl } from '../tool.ts';
import { exchangeDeliveredOrderItems, modifyUserAddress, returnDeliveredOrderItems } from './delivered-orders.ts';
import {
  findUserIdByEmail,
  findUserIdByNameZip,
  getOrderDetails,
  getProductDetails,
  getUserDetails,
  listAllProductTypes,
} from './lookup.ts';
import {
  cancelPendingOrder,
  modifyPendingOrderAddress,
  modifyPendingOrderItems,
  modifyPendingOrderPayment,
} from './pending-orders.ts';

export const RETAIL_TOOLS: readonly TauToolImpl[] = [
  calculate,
  cancelPendingOrder,
  exchangeDeliveredOrderItems,
  findUserIdByEmail,
  findUserIdByNameZip,
  getOrderDetails,
  getProductDetails,
  getUserDetails,
  listAllProductTypes,
  modifyPendingOrderAddress,
  modifyPendingOrderItems,
  modifyPendingOrderPayment,
  modifyUserAddress,
  returnDeliveredOrderItems,
  think,
  transferToHumanAgents,
];

/** τ-bench's load_data() keys, in its order. */
export const RETAIL_TABLES = ['orders', 'products', 'users'] as const;
