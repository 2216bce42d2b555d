// What the retail tools that swap items share, after the Python they all repeat: the item-count
// check and the price difference with the variant checks.

import { add, count, getItem as g, iter, listIndex, pyEquals, sub, truthy, contains, zip } from '../../python/ops.ts';
import { pyStr as s } from '../../python/repr.ts';
import type { PyValue } from '../../python/value.ts';

/** for item_id in item_ids: if item_ids.count(item_id) > all_item_ids.count(item_id): return <error> */
export function missingItem(order: PyValue, itemIds: PyValue): PyValue | undefined {
  const allItemIds = iter(g(order, 'items')).map((item) => g(item, 'item_id'));
  for (const itemId of iter(itemIds)) {
    if (count(itemIds, itemId) > count(allItemIds, itemId)) return itemId;
  }
  return undefined;
}

/** [item for item in order["items"] if item["item_id"] == item_id][0] */
export function firstItem(order: PyValue, itemId: PyValue): PyValue {
  return listIndex(
    iter(g(order, 'items')).filter((item) => pyEquals(g(item, 'item_id'), itemId)),
    0,
  );
}

/**
 * The loop summing new price minus old over the pairs; an error string when a new item is not a
 * variant of the same product or is unavailable.
 */
export function priceDifference(
  products: PyValue,
  order: PyValue,
  itemIds: PyValue,
  newItemIds: PyValue,
): { diff: PyValue } | { error: string } {
  let diff: PyValue = 0;
  for (const [itemId, newItemId] of zip(itemIds, newItemIds)) {
    const item = firstItem(order, itemId);
    const variants = g(g(products, g(item, 'product_id')), 'variants');
    if (!(contains(variants, newItemId) && truthy(g(g(variants, newItemId), 'available')))) {
      return { error: `Error: new item ${s(newItemId)} not found or available` };
    }
    const oldPrice = g(item, 'price');
    const newPrice = g(g(variants, newItemId), 'price');
    diff = add(diff, sub(newPrice, oldPrice), '+=');
  }
  return { diff };
}
