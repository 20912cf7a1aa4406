/** Names the compiler and the decompiler derive from each other: step ids, node names, agent titles. */

/** "fetch_orders" / "fetchOrders" -> "Fetch orders": the node name a step gets when it has no `name`. */
export function humanizeId(id: string): string {
  const words = id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "revenue-tracker-lite" -> "Revenue Tracker Lite". */
export function titleFromName(name: string): string {
  return name
    .split('-')
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** "Fetch orders" -> "fetchOrders": a step id for a node that has none recorded. */
export function idFromName(name: string): string {
  const words = name
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  const id = words
    .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
  return /^[a-z]/.test(id) ? id : `step${id}`;
}
