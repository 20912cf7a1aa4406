/**
 * Functions available inside `{{ }}` expressions. The DSL checks names, argument counts and result types; the
 * compiler translates each call into an n8n expression (see compiler `expressions`).
 */
export interface FunctionDefinition {
  /** Human signature shown in docs and hovers. */
  signature: string;
  description: string;
  minArgs: number;
  maxArgs: number;
  example: string;
}

export const functionCatalog = {
  length: {
    signature: 'length(value)',
    description:
      'Number of items in a list, characters in a text (an emoji is one character) or keys in an object; 0 otherwise.',
    minArgs: 1,
    maxArgs: 1,
    example: 'length(steps.fetch.output.orders)',
  },
  lower: {
    signature: 'lower(text)',
    description: 'Text in lowercase.',
    minArgs: 1,
    maxArgs: 1,
    example: 'lower(trigger.order.email)',
  },
  upper: {
    signature: 'upper(text)',
    description: 'Text in uppercase.',
    minArgs: 1,
    maxArgs: 1,
    example: 'upper(inputs.region)',
  },
  trim: {
    signature: 'trim(text)',
    description: 'Text without leading and trailing whitespace.',
    minArgs: 1,
    maxArgs: 1,
    example: 'trim(trigger.text)',
  },
  truncate: {
    signature: 'truncate(text, maxLength)',
    description: 'Text cut to at most maxLength characters, ending with an ellipsis (…) when cut.',
    minArgs: 2,
    maxArgs: 2,
    example: 'truncate(steps.brief.output.summary, 280)',
  },
  join: {
    signature: 'join(list, separator?)',
    description: 'Items of a list as text (objects as JSON, null as nothing) joined by the separator (default ", ").',
    minArgs: 1,
    maxArgs: 2,
    example: "join(inputs.keywords, ' / ')",
  },
  split: {
    signature: 'split(text, separator)',
    description: 'Text split at each separator into a list; an empty separator splits it into characters.',
    minArgs: 2,
    maxArgs: 2,
    example: "split(trigger.order.tags, ',')",
  },
  number: {
    signature: 'number(value)',
    description:
      'The value as a number: numeric text with currency signs and thousands separators ("$1,234.50" is 1234.5), true/false as 1/0, 0 when there is no number.',
    minArgs: 1,
    maxArgs: 1,
    example: 'number(trigger.order.total_price)',
  },
  string: {
    signature: 'string(value)',
    description: 'The value as text: lists and objects as JSON, null as empty text.',
    minArgs: 1,
    maxArgs: 1,
    example: 'string(steps.revenue.output.orders)',
  },
  json: {
    signature: 'json(value)',
    description: 'The value as JSON text.',
    minArgs: 1,
    maxArgs: 1,
    example: 'json(steps.fetch.output)',
  },
  round: {
    signature: 'round(number, digits?)',
    description: 'Rounded to the given number of decimals (default 0), halves away from zero: round(1.005, 2) is 1.01.',
    minArgs: 1,
    maxArgs: 2,
    example: 'round(steps.revenue.output.averageOrderValue, 2)',
  },
  sum: {
    signature: 'sum(list, field?)',
    description:
      'Sum of a list of numbers (or numeric text), or of one field of a list of objects; other values are skipped.',
    minArgs: 1,
    maxArgs: 2,
    example: "sum(steps.fetch.output.orders, 'totalPrice')",
  },
  avg: {
    signature: 'avg(list, field?)',
    description: 'Average of the numbers sum would add up (0 when there are none).',
    minArgs: 1,
    maxArgs: 2,
    example: "avg(steps.search.output.creators, 'engagementRate')",
  },
  min: {
    signature: 'min(list, field?)',
    description: 'Smallest of the numbers sum would add up (null when there are none).',
    minArgs: 1,
    maxArgs: 2,
    example: "min(steps.low.output.products, 'totalInventory')",
  },
  max: {
    signature: 'max(list, field?)',
    description: 'Largest of the numbers sum would add up (null when there are none).',
    minArgs: 1,
    maxArgs: 2,
    example: "max(steps.fetch.output.orders, 'totalPrice')",
  },
  pluck: {
    signature: 'pluck(list, field)',
    description: 'The given field of every item of a list (null where an item lacks it).',
    minArgs: 2,
    maxArgs: 2,
    example: "pluck(steps.search.output.creators, 'handle')",
  },
  where: {
    signature: 'where(list, field, value)',
    description:
      'Items of a list whose field equals the value (a missing field equals null; lists and objects compare by content).',
    minArgs: 3,
    maxArgs: 3,
    example: "where(steps.fetch.output.orders, 'financialStatus', 'PAID')",
  },
  sortBy: {
    signature: 'sortBy(list, field, order?)',
    description:
      "List sorted by a field (by the items themselves when the field is null), 'asc' (default) or 'desc': numbers and numeric text by value, then other text, then the rest; missing values last.",
    minArgs: 2,
    maxArgs: 3,
    example: "sortBy(steps.search.output.creators, 'followers', 'desc')",
  },
  unique: {
    signature: 'unique(list)',
    description: 'List without duplicates (compared by content), first occurrence kept.',
    minArgs: 1,
    maxArgs: 1,
    example: "unique(pluck(steps.fetch.output.orders, 'email'))",
  },
  first: {
    signature: 'first(list)',
    description: 'First item (null for an empty list).',
    minArgs: 1,
    maxArgs: 1,
    example: 'first(steps.search.output.creators)',
  },
  last: {
    signature: 'last(list)',
    description: 'Last item (null for an empty list).',
    minArgs: 1,
    maxArgs: 1,
    example: 'last(steps.revenue.output.daily)',
  },
  slice: {
    signature: 'slice(listOrText, start, end?)',
    description:
      'Part of a list or text (counted in characters), like JavaScript slice: negative positions count from the end.',
    minArgs: 2,
    maxArgs: 3,
    example: 'slice(steps.search.output.creators, 0, 3)',
  },
  contains: {
    signature: 'contains(listOrText, value)',
    description: "Whether a list has the value (compared by content), or a text contains the value's text.",
    minArgs: 2,
    maxArgs: 2,
    example: "contains(lower(trigger.text), 'urgent')",
  },
  keys: {
    signature: 'keys(object)',
    description: 'Keys of an object (an empty list for anything else).',
    minArgs: 1,
    maxArgs: 1,
    example: 'keys(trigger.query)',
  },
  default: {
    signature: 'default(value, fallback)',
    description: 'The value, or the fallback when it is null, missing or empty text.',
    minArgs: 2,
    maxArgs: 2,
    example: "default(trigger.threadId, '')",
  },
  now: {
    signature: 'now()',
    description: 'Current date-time (ISO 8601, UTC) when the step runs.',
    minArgs: 0,
    maxArgs: 0,
    example: 'now()',
  },
  today: {
    signature: 'today()',
    description: 'Current date (YYYY-MM-DD, UTC).',
    minArgs: 0,
    maxArgs: 0,
    example: 'today()',
  },
  daysAgo: {
    signature: 'daysAgo(days)',
    description: 'The date (YYYY-MM-DD, UTC) that many days before today.',
    minArgs: 1,
    maxArgs: 1,
    example: 'daysAgo(7)',
  },
  money: {
    signature: 'money(amount, currency?)',
    description: "Amount formatted as money in a currency code (default USD), e.g. money(1234.5, 'USD') is $1,234.50.",
    minArgs: 1,
    maxArgs: 2,
    example: 'money(steps.revenue.output.total, steps.revenue.output.currency)',
  },
  percent: {
    signature: 'percent(ratio, digits?)',
    description: 'A ratio formatted as a percentage, e.g. percent(0.0345, 1) is 3.5%.',
    minArgs: 1,
    maxArgs: 2,
    example: 'percent(creator.engagementRate, 1)',
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof functionCatalog;
export function isFunctionName(name: string): name is FunctionName {
  return Object.prototype.hasOwnProperty.call(functionCatalog, name);
}
