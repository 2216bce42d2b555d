// The retail tools that only read, after tau_bench/envs/retail/tools/*.py.

import { z } from 'zod';
import { pyJsonDumps } from '../../python/json.ts';
import { contains, entries, getItem as g, lower, pyEquals, sorted, values } from '../../python/ops.ts';
import type { PyDict, PyValue } from '../../python/value.ts';
import type { TauToolImpl } from '../tool.ts';

export const findUserIdByEmail: TauToolImpl = {
  name: 'find_user_id_by_email',
  pyClass: 'FindUserIdByEmail',
  params: ['email'],
  args: z.object({ email: z.string() }).strict(),
  writes: false,
  run(data, a) {
    for (const [userId, profile] of entries(g(data, 'users'))) {
      if (lower(g(profile, 'email')) === lower(a.email!)) return userId;
    }
    return 'Error: user not found';
  },
};

export const findUserIdByNameZip: TauToolImpl = {
  name: 'find_user_id_by_name_zip',
  pyClass: 'FindUserIdByNameZip',
  params: ['first_name', 'last_name', 'zip'],
  args: z.object({ first_name: z.string(), last_name: z.string(), zip: z.string() }).strict(),
  writes: false,
  run(data, a) {
    for (const [userId, profile] of entries(g(data, 'users'))) {
      if (
        lower(g(g(profile, 'name'), 'first_name')) === lower(a.first_name!) &&
        lower(g(g(profile, 'name'), 'last_name')) === lower(a.last_name!) &&
        pyEquals(g(g(profile, 'address'), 'zip'), a.zip!)
      ) {
        return userId;
      }
    }
    return 'Error: user not found';
  },
};

function lookup(name: string, pyClass: string, table: string, param: string, notFound: string): TauToolImpl {
  return {
    name,
    pyClass,
    params: [param],
    args: z.object({ [param]: z.string() }).strict(),
    writes: false,
    run(data, a) {
      const records = g(data, table);
      if (contains(records, a[param]!)) return pyJsonDumps(g(records, a[param]!));
      return notFound;
    },
  };
}

export const getOrderDetails = lookup('get_order_details', 'GetOrderDetails', 'orders', 'order_id', 'Error: order not found');
export const getProductDetails = lookup(
  'get_product_details',
  'GetProductDetails',
  'products',
  'product_id',
  'Error: product not found',
);
export const getUserDetails = lookup('get_user_details', 'GetUserDetails', 'users', 'user_id', 'Error: user not found');

export const listAllProductTypes: TauToolImpl = {
  name: 'list_all_product_types',
  pyClass: 'ListAllProductTypes',
  params: [],
  args: z.object({}).strict(),
  writes: false,
  run(data) {
    // {product["name"]: product["product_id"] ...}, then dict(sorted(items)): by name.
    const byName: PyDict = new Map();
    for (const product of values(g(data, 'products'))) {
      const name = g(product, 'name');
      if (typeof name !== 'string') throw new Error('product names are strings in τ-bench data');
      byName.set(name, g(product, 'product_id'));
    }
    const names = sorted([...byName.keys()]) as string[];
    return pyJsonDumps(new Map<string, PyValue>(names.map((n) => [n, byName.get(n)!])));
  },
};
