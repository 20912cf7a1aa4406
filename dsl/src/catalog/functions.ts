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
    description: 'Number of items in a list, characters in a text or keys in an object.',
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
    description: 'Text cut to at most maxLength characters, with an ellipsis when cut.',
    minArgs: 2,
    maxArgs: 2,
    example: 'truncate(steps.brief.output.summary, 280)',
  },
  join: {
    signature: 'join(list, separator?)',
    description: 'Items of a list joined into text (default separator ", ").',
    minArgs: 1,
    maxArgs: 2,
    example: "join(inputs.keywords, ' / ')",
  },
  split: {
    signature: 'split(text, separator)',
    description: 'Text split into a list.',
    minArgs: 2,
    maxArgs: 2,
    example: "split(trigger.order.tags, ',')",
  },
  number: {
    signature: 'number(value)',
    description: 'The value as a number (Shopify money strings such as "150.00" become 150).',
    minArgs: 1,
    maxArgs: 1,
    example: 'number(trigger.order.total_price)',
  },
  string: {
    signature: 'string(value)',
    description: 'The value as text.',
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
    description: 'Rounded to the given number of decimals (default 0).',
    minArgs: 1,
    maxArgs: 2,
    example: 'round(steps.revenue.output.averageOrderValue, 2)',
  },
  sum: {
    signature: 'sum(list, field?)',
    description: 'Sum of a list of numbers, or of one numeric field of a list of objects.',
    minArgs: 1,
    maxArgs: 2,
    example: "sum(steps.fetch.output.orders, 'totalPrice')",
  },
  avg: {
    signature: 'avg(list, field?)',
    description: 'Average (0 for an empty list).',
    minArgs: 1,
    maxArgs: 2,
    example: "avg(steps.search.output.creators, 'engagementRate')",
  },
  min: {
    signature: 'min(list, field?)',
    description: 'Smallest value (null for an empty list).',
    minArgs: 1,
    maxArgs: 2,
    example: "min(steps.low.output.products, 'totalInventory')",
  },
  max: {
    signature: 'max(list, field?)',
    description: 'Largest value (null for an empty list).',
    minArgs: 1,
    maxArgs: 2,
    example: "max(steps.fetch.output.orders, 'totalPrice')",
  },
  pluck: {
    signature: 'pluck(list, field)',
    description: 'The given field of every object in a list.',
    minArgs: 2,
    maxArgs: 2,
    example: "pluck(steps.search.output.creators, 'handle')",
  },
  where: {
    signature: 'where(list, field, value)',
    description: 'Objects of a list whose field equals the value.',
    minArgs: 3,
    maxArgs: 3,
    example: "where(steps.fetch.output.orders, 'financialStatus', 'PAID')",
  },
  sortBy: {
    signature: 'sortBy(list, field, order?)',
    description: "List sorted by a field, 'asc' (default) or 'desc'.",
    minArgs: 2,
    maxArgs: 3,
    example: "sortBy(steps.search.output.creators, 'followers', 'desc')",
  },
  unique: {
    signature: 'unique(list)',
    description: 'List without duplicates, first occurrence kept.',
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
    description: 'Part of a list or text, like JavaScript slice.',
    minArgs: 2,
    maxArgs: 3,
    example: 'slice(steps.search.output.creators, 0, 3)',
  },
  contains: {
    signature: 'contains(listOrText, value)',
    description: 'Whether a list has the value, or a text contains it.',
    minArgs: 2,
    maxArgs: 2,
    example: "contains(lower(trigger.text), 'urgent')",
  },
  keys: {
    signature: 'keys(object)',
    description: 'Keys of an object.',
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
    description: "Amount formatted as money, e.g. money(1234.5, 'USD') is $1,234.50.",
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
