/**
 * ShopifyQL for `shopifyqlQuery` (Admin GraphQL 2025-10): the subset the IONFLUX nodes use, over the `sales` table of
 * `sales.ts`, in the shop's time zone.
 *
 *   FROM sales
 *   SHOW metric [AS alias], ...                      gross_sales discounts returns net_sales shipping_charges taxes
 *                                                    total_sales orders average_order_value net_items_sold
 *   [WHERE dimension = 'value' [AND ...]]            sales_channel product_title product_type product_vendor (= or !=)
 *   [GROUP BY dimension, ...]                        day week month year, and the dimensions above (and product_id)
 *   [SINCE date [UNTIL date] | UNTIL date | DURING range]
 *   [ORDER BY column [ASC|DESC], ...] [LIMIT n]
 *
 * Dates are `2026-11-01`, offsets from today (`-7d`, `-2w`, `-1m`, `-1q`, `-1y`, `0d`), `today`, `yesterday`, and
 * startOf|endOf Day|Week|Month|Quarter|Year(offset); UNTIL is inclusive. DURING takes today, yesterday, this_week,
 * this_month, this_quarter, this_year, last_week, last_month, last_quarter, last_year and last_N_days (N whole days
 * before today). Weeks start on Monday. Anything else is answered with `parseErrors`, never guessed.
 */
import type { ShopifyStore } from './store';
import { salesRowsBetween } from './sales';
import type { SalesRow } from './sales';
import { addLocalDays, addLocalMonths, isoLocalDate, localDateOf, startOfLocalDay, weekdayOf } from '../shared/zoned';
import type { LocalDate } from '../shared/zoned';

export interface ShopifyqlColumn {
  name: string;
  dataType: string;
  displayName: string;
}

export interface ShopifyqlResponse {
  parseErrors: string[];
  tableData: { columns: ShopifyqlColumn[]; rows: Record<string, string | number | null>[] } | null;
}

class ParseError extends Error {}

// ---------------------------------------------------------------------------------------------------------------------
// Tokens

interface Token {
  kind: 'word' | 'number' | 'string' | 'offset' | 'date' | 'symbol' | 'end';
  text: string;
  line: number;
  column: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = () => ({ line, column: i - lineStart + 1 });
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (source.startsWith('--', i)) {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new ParseError(`Unterminated comment at line ${line}, column ${i - lineStart + 1}`);
      for (let k = i; k < end; k++)
        if (source[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      i = end + 2;
      continue;
    }
    const pos = at();
    const rest = source.slice(i);
    const date = /^\d{4}-\d{2}-\d{2}(?![\w-])/.exec(rest);
    const offset = /^[-+]?\d+[dwmqy](?!\w)/i.exec(rest);
    const number = /^\d+(?![\w-])/.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (date) tokens.push({ kind: 'date', text: date[0], ...pos });
    else if (offset) tokens.push({ kind: 'offset', text: offset[0].toLowerCase(), ...pos });
    else if (number) tokens.push({ kind: 'number', text: number[0], ...pos });
    else if (word) tokens.push({ kind: 'word', text: word[0], ...pos });
    else if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new ParseError(`Unterminated string at line ${pos.line}, column ${pos.column}`);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), ...pos });
      i = end + 1;
      continue;
    } else {
      const symbol = /^(!=|<=|>=|[=<>,()*])/.exec(rest);
      if (!symbol) throw new ParseError(`Unexpected character '${c}' at line ${pos.line}, column ${pos.column}`);
      tokens.push({ kind: 'symbol', text: symbol[0], ...pos });
    }
    i += tokens[tokens.length - 1]!.text.length;
  }
  tokens.push({ kind: 'end', text: '', ...at() });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------------------------
// Syntax

const METRICS = {
  gross_sales: { dataType: 'MONEY', displayName: 'Gross sales' },
  discounts: { dataType: 'MONEY', displayName: 'Discounts' },
  returns: { dataType: 'MONEY', displayName: 'Returns' },
  net_sales: { dataType: 'MONEY', displayName: 'Net sales' },
  shipping_charges: { dataType: 'MONEY', displayName: 'Shipping charges' },
  taxes: { dataType: 'MONEY', displayName: 'Taxes' },
  total_sales: { dataType: 'MONEY', displayName: 'Total sales' },
  orders: { dataType: 'INTEGER', displayName: 'Orders' },
  average_order_value: { dataType: 'MONEY', displayName: 'Average order value' },
  net_items_sold: { dataType: 'INTEGER', displayName: 'Net items sold' },
} as const;
type Metric = keyof typeof METRICS;

const TIME_DIMENSIONS = {
  day: { dataType: 'DAY_TIMESTAMP', displayName: 'Day' },
  week: { dataType: 'WEEK_TIMESTAMP', displayName: 'Week' },
  month: { dataType: 'MONTH_TIMESTAMP', displayName: 'Month' },
  year: { dataType: 'YEAR_TIMESTAMP', displayName: 'Year' },
} as const;
const DIMENSIONS = {
  sales_channel: { dataType: 'STRING', displayName: 'Sales channel' },
  product_title: { dataType: 'STRING', displayName: 'Product title' },
  product_type: { dataType: 'STRING', displayName: 'Product type' },
  product_vendor: { dataType: 'STRING', displayName: 'Product vendor' },
  product_id: { dataType: 'IDENTITY', displayName: 'Product ID' },
} as const;
type TimeDimension = keyof typeof TIME_DIMENSIONS;
type Dimension = keyof typeof DIMENSIONS;
const FILTERABLE: Dimension[] = ['sales_channel', 'product_title', 'product_type', 'product_vendor'];

type DateExpr =
  | { kind: 'date'; date: LocalDate }
  | { kind: 'offset'; amount: number; unit: 'd' | 'w' | 'm' | 'q' | 'y' }
  | { kind: 'function'; edge: 'start' | 'end'; unit: 'day' | 'week' | 'month' | 'quarter' | 'year'; offset: DateExpr };

interface Query {
  table: string;
  show: { column: string; alias: string }[];
  where: { dimension: Dimension; op: '=' | '!='; value: string }[];
  groupBy: (TimeDimension | Dimension)[];
  since: DateExpr | null;
  until: DateExpr | null;
  during: string | null;
  orderBy: { column: string; descending: boolean }[];
  limit: number | null;
}

const KEYWORDS = [
  'FROM',
  'SHOW',
  'WHERE',
  'GROUP',
  'SINCE',
  'UNTIL',
  'DURING',
  'ORDER',
  'LIMIT',
  'COMPARE',
  'VISUALIZE',
];

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private where(token: Token): string {
    return token.kind === 'end' ? 'at the end of the query' : `at line ${token.line}, column ${token.column}`;
  }
  private fail(message: string, token = this.peek()): never {
    throw new ParseError(`${message} ${this.where(token)}`);
  }
  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'word' && t.text.toUpperCase() === word;
  }
  private expectKeyword(word: string): void {
    if (!this.isKeyword(word)) this.fail(`Expected ${word} but found '${this.peek().text || 'end of query'}'`);
    this.next();
  }
  private identifier(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'word' || KEYWORDS.includes(t.text.toUpperCase()))
      this.fail(`Expected ${what} but found '${t.text || 'end of query'}'`);
    return this.next();
  }

  parse(): Query {
    this.expectKeyword('FROM');
    const table = this.identifier('a table name');
    if (table.text.toLowerCase() !== 'sales')
      this.fail(`Table '${table.text}' is not supported by the sandbox (supported: sales)`, table);
    if (this.isKeyword('VISUALIZE')) this.fail('VISUALIZE is not supported by the sandbox; use SHOW');
    this.expectKeyword('SHOW');
    const show: Query['show'] = [];
    do {
      const column = this.identifier('a metric or dimension');
      const name = column.text.toLowerCase();
      if (this.peek().kind === 'symbol' && this.peek().text === '(')
        this.fail(`Aggregate functions are not supported by the sandbox: SHOW the metric itself`, column);
      if (!(name in METRICS) && !(name in DIMENSIONS) && !(name in TIME_DIMENSIONS))
        this.fail(`Unknown column '${column.text}' for table 'sales'`, column);
      let alias = name;
      if (this.isKeyword('AS')) {
        this.next();
        const a = this.peek();
        if (a.kind !== 'word' && a.kind !== 'string') this.fail('Expected an alias after AS');
        alias = this.next().text;
      }
      show.push({ column: name, alias });
    } while (this.peek().text === ',' && this.next());

    const query: Query = {
      table: 'sales',
      show,
      where: [],
      groupBy: [],
      since: null,
      until: null,
      during: null,
      orderBy: [],
      limit: null,
    };
    let sawWhere = false;
    let sawGroup = false;
    while (this.isKeyword('WHERE') || this.isKeyword('GROUP')) {
      if (this.isKeyword('WHERE')) {
        if (sawWhere) this.fail('WHERE appears twice');
        sawWhere = true;
        this.next();
        do {
          const column = this.identifier('a dimension');
          const name = column.text.toLowerCase() as Dimension;
          if (!FILTERABLE.includes(name))
            this.fail(`WHERE on '${column.text}' is not supported (filter on ${FILTERABLE.join(', ')})`, column);
          const op = this.next();
          if (op.kind !== 'symbol' || (op.text !== '=' && op.text !== '!='))
            this.fail(`Expected = or != after ${column.text}`, op);
          const value = this.next();
          if (value.kind !== 'string') this.fail(`Expected a quoted value after ${op.text}`, value);
          query.where.push({ dimension: name, op: op.text as '=' | '!=', value: value.text });
          if (this.isKeyword('OR')) this.fail('OR is not supported by the sandbox; use AND');
        } while (this.isKeyword('AND') && this.next());
      } else {
        if (sawGroup) this.fail('GROUP BY appears twice');
        sawGroup = true;
        this.next();
        this.expectKeyword('BY');
        do {
          const column = this.identifier('a dimension');
          const name = column.text.toLowerCase();
          if (!(name in DIMENSIONS) && !(name in TIME_DIMENSIONS))
            this.fail(`Cannot group by '${column.text}'`, column);
          query.groupBy.push(name as TimeDimension | Dimension);
        } while (this.peek().text === ',' && this.next());
      }
    }
    if (this.isKeyword('DURING')) {
      this.next();
      const range = this.identifier('a named date range');
      query.during = range.text.toLowerCase();
      if (!isNamedRange(query.during)) this.fail(`Unknown date range '${range.text}'`, range);
      if (this.isKeyword('SINCE') || this.isKeyword('UNTIL'))
        this.fail('DURING cannot be combined with SINCE or UNTIL');
    } else {
      if (this.isKeyword('SINCE')) {
        this.next();
        query.since = this.dateExpr();
      }
      if (this.isKeyword('UNTIL')) {
        this.next();
        query.until = this.dateExpr();
      }
      if (this.isKeyword('DURING')) this.fail('DURING cannot be combined with SINCE or UNTIL');
    }
    if (this.isKeyword('COMPARE')) this.fail('COMPARE TO is not supported by the sandbox');
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      do {
        const column = this.identifier('a column');
        let descending = false;
        if (this.isKeyword('DESC') || this.isKeyword('ASC')) descending = this.next().text.toUpperCase() === 'DESC';
        query.orderBy.push({ column: column.text, descending });
      } while (this.peek().text === ',' && this.next());
    }
    if (this.isKeyword('LIMIT')) {
      this.next();
      const n = this.next();
      if (n.kind !== 'number' || Number(n.text) < 1) this.fail('LIMIT takes a positive whole number', n);
      query.limit = Number(n.text);
    }
    const end = this.peek();
    if (end.kind !== 'end') {
      const keyword = end.kind === 'word' && KEYWORDS.includes(end.text.toUpperCase());
      this.fail(
        keyword
          ? `${end.text.toUpperCase()} is out of order (clauses go FROM, SHOW, WHERE, GROUP BY, SINCE/UNTIL or DURING, ORDER BY, LIMIT)`
          : `Unexpected '${end.text}'`,
        end,
      );
    }
    return query;
  }

  private dateExpr(): DateExpr {
    const t = this.next();
    if (t.kind === 'date') {
      const [y, m, d] = t.text.split('-').map(Number) as [number, number, number];
      const check = new Date(Date.UTC(y, m - 1, d));
      if (check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) this.fail(`'${t.text}' is not a date`, t);
      return { kind: 'date', date: { year: y, month: m, day: d } };
    }
    if (t.kind === 'offset') return offsetOf(t.text);
    if (t.kind === 'word') {
      const word = t.text.toLowerCase();
      if (word === 'today') return { kind: 'offset', amount: 0, unit: 'd' };
      if (word === 'yesterday') return { kind: 'offset', amount: -1, unit: 'd' };
      const fn = /^(start|end)of(day|week|month|quarter|year)$/i.exec(t.text);
      if (fn) {
        const open = this.next();
        if (open.text !== '(') this.fail(`Expected ( after ${t.text}`, open);
        const arg = this.next();
        if (arg.kind !== 'offset') this.fail(`${t.text} takes an offset such as -1m`, arg);
        const close = this.next();
        if (close.text !== ')') this.fail(`Expected ) after the offset`, close);
        return {
          kind: 'function',
          edge: fn[1]!.toLowerCase() as 'start' | 'end',
          unit: fn[2]!.toLowerCase() as 'day' | 'week' | 'month' | 'quarter' | 'year',
          offset: offsetOf(arg.text),
        };
      }
    }
    this.fail(`Expected a date (2026-11-01, -7d, today, startOfMonth(-1m)) but found '${t.text || 'end of query'}'`, t);
  }
}

function offsetOf(text: string): DateExpr {
  const match = /^([-+]?\d+)([dwmqy])$/.exec(text)!;
  return { kind: 'offset', amount: Number(match[1]), unit: match[2] as 'd' | 'w' | 'm' | 'q' | 'y' };
}

function isNamedRange(name: string): boolean {
  return (
    /^(today|yesterday|(this|last)_(week|month|quarter|year))$/.test(name) ||
    (/^last_(\d+)_days$/.test(name) && Number(/\d+/.exec(name)![0]) >= 1)
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Dates: local dates in the shop's zone, resolved to [from, to) instants.

function shiftDate(date: LocalDate, amount: number, unit: 'd' | 'w' | 'm' | 'q' | 'y'): LocalDate {
  switch (unit) {
    case 'd':
      return addLocalDays(date, amount);
    case 'w':
      return addLocalDays(date, amount * 7);
    case 'm':
      return addLocalMonths(date, amount);
    case 'q':
      return addLocalMonths(date, amount * 3);
    case 'y':
      return addLocalMonths(date, amount * 12);
  }
}

/** First and last local day of the week/month/quarter/year holding `date`. */
function periodOf(date: LocalDate, unit: 'day' | 'week' | 'month' | 'quarter' | 'year'): [LocalDate, LocalDate] {
  switch (unit) {
    case 'day':
      return [date, date];
    case 'week': {
      const start = addLocalDays(date, -((weekdayOf(date) + 6) % 7));
      return [start, addLocalDays(start, 6)];
    }
    case 'month': {
      const start = { year: date.year, month: date.month, day: 1 };
      return [start, addLocalDays(addLocalMonths(start, 1), -1)];
    }
    case 'quarter': {
      const start = { year: date.year, month: date.month - ((date.month - 1) % 3), day: 1 };
      return [start, addLocalDays(addLocalMonths(start, 3), -1)];
    }
    case 'year':
      return [
        { year: date.year, month: 1, day: 1 },
        { year: date.year, month: 12, day: 31 },
      ];
  }
}

function resolveDate(expr: DateExpr, today: LocalDate): LocalDate {
  if (expr.kind === 'date') return expr.date;
  if (expr.kind === 'offset') return shiftDate(today, expr.amount, expr.unit);
  const base = resolveDate(expr.offset, today);
  const [start, end] = periodOf(base, expr.unit);
  return expr.edge === 'start' ? start : end;
}

function namedRange(name: string, today: LocalDate): [LocalDate, LocalDate] {
  const days = /^last_(\d+)_days$/.exec(name);
  if (days) return [addLocalDays(today, -Number(days[1])), addLocalDays(today, -1)];
  if (name === 'today') return [today, today];
  if (name === 'yesterday') return [addLocalDays(today, -1), addLocalDays(today, -1)];
  const [which, unit] = name.split('_') as ['this' | 'last', 'week' | 'month' | 'quarter' | 'year'];
  if (which === 'this') return [periodOf(today, unit)[0], today];
  const back =
    unit === 'week'
      ? addLocalDays(today, -7)
      : shiftDate(today, -1, unit === 'month' ? 'm' : unit === 'quarter' ? 'q' : 'y');
  return periodOf(back, unit);
}

// ---------------------------------------------------------------------------------------------------------------------
// Execution

interface Totals {
  gross: number;
  discounts: number;
  returns: number;
  shipping: number;
  taxes: number;
  items: number;
  orders: Set<number>;
  /** Set instead of `orders` when the totals come from per-day sums (an order's sale happens on one day). */
  orderCount?: number;
}

type DayTotals = Omit<Totals, 'orders' | 'orderCount'> & { orders: number };

const dailyCache = new WeakMap<ShopifyStore, { timeZone: string; version: number; days: Map<string, DayTotals> }>();

/**
 * The sales table summed per local day of the shop, built once per store (and again when orders are created): what
 * answers whole-day, unfiltered, time-grouped queries (the revenue summary's) in time independent of the store's size.
 */
function dailyTotals(store: ShopifyStore, timeZone: string): Map<string, DayTotals> {
  const version = store.orders().length;
  const cached = dailyCache.get(store);
  if (cached && cached.timeZone === timeZone && cached.version === version) return cached.days;
  const history = store.orderDays();
  const rows = salesRowsBetween(
    store,
    (history[0] ?? 0) * 86_400_000,
    ((history[history.length - 1] ?? 0) + 30) * 86_400_000,
  );
  const dayOfHour = new Map<number, string>();
  const days = new Map<string, DayTotals>();
  for (const row of rows) {
    // Zones change offset on whole quarter hours at most: the local date is constant within a UTC quarter hour.
    const slot = Math.floor(row.at / 900_000);
    let key = dayOfHour.get(slot);
    if (key === undefined) {
      key = isoLocalDate(localDateOf(slot * 900_000, timeZone));
      dayOfHour.set(slot, key);
    }
    let t = days.get(key);
    if (!t) {
      t = { gross: 0, discounts: 0, returns: 0, shipping: 0, taxes: 0, items: 0, orders: 0 };
      days.set(key, t);
    }
    t.gross += row.grossCents;
    t.discounts += row.discountCents;
    t.returns += row.returnCents;
    t.shipping += row.shippingCents;
    t.taxes += row.taxCents;
    t.items += row.quantity;
    if (row.kind === 'sale' && row.productLegacyId === null) t.orders++;
  }
  dailyCache.set(store, { timeZone, version, days });
  return days;
}

function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function metricValue(metric: Metric, t: Totals): string | number {
  const net = t.gross - t.discounts - t.returns;
  switch (metric) {
    case 'gross_sales':
      return money(t.gross);
    case 'discounts':
      return money(-t.discounts);
    case 'returns':
      return money(-t.returns);
    case 'net_sales':
      return money(net);
    case 'shipping_charges':
      return money(t.shipping);
    case 'taxes':
      return money(t.taxes);
    case 'total_sales':
      return money(net + t.shipping + t.taxes);
    case 'orders':
      return t.orderCount ?? t.orders.size;
    case 'average_order_value':
      return money(
        (t.orderCount ?? t.orders.size) === 0
          ? 0
          : Math.round((t.gross - t.discounts) / (t.orderCount ?? t.orders.size)),
      );
    case 'net_items_sold':
      return t.items;
  }
}

function execute(store: ShopifyStore, query: Query): ShopifyqlResponse['tableData'] {
  const timeZone = store.shop.ianaTimezone;
  const nowMs = store.now.getTime();
  const today = localDateOf(nowMs, timeZone);
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  if (query.during) {
    const [a, b] = namedRange(query.during, today);
    from = startOfLocalDay(a, timeZone);
    to = startOfLocalDay(addLocalDays(b, 1), timeZone);
  } else {
    if (query.since) from = startOfLocalDay(resolveDate(query.since, today), timeZone);
    if (query.until) to = startOfLocalDay(addLocalDays(resolveDate(query.until, today), 1), timeZone);
    else if (query.since) to = nowMs;
    if (query.since && query.until && to <= from) throw new ParseError('UNTIL must not be before SINCE');
  }
  const history = store.orderDays();
  const lower = Math.max(from, (history[0] ?? 0) * 86_400_000);
  const upper = Math.min(to, ((history[history.length - 1] ?? 0) + 30) * 86_400_000);
  const midnight = (t: number) => !Number.isFinite(t) || startOfLocalDay(localDateOf(t, timeZone), timeZone) === t;
  const wholeDays =
    query.where.length === 0 && query.groupBy.every((d) => d in TIME_DIMENSIONS) && midnight(from) && midnight(to);
  const rows = wholeDays || upper <= lower ? [] : salesRowsBetween(store, lower, upper);

  const byProduct =
    query.groupBy.some((d) => d.startsWith('product_')) || query.where.some((w) => w.dimension.startsWith('product_'));
  const dimensionValue = (row: SalesRow, dimension: TimeDimension | Dimension): string | null => {
    const product = row.productLegacyId !== null ? store.product(row.productLegacyId) : undefined;
    switch (dimension) {
      case 'sales_channel':
        return row.salesChannel;
      case 'product_title':
        return product?.title ?? null;
      case 'product_type':
        return product?.productType ?? null;
      case 'product_vendor':
        return product?.vendor ?? null;
      case 'product_id':
        return product ? `gid://shopify/Product/${product.legacyId}` : null;
      default: {
        const date = localDateOf(row.at, timeZone);
        const unit = dimension as TimeDimension;
        return isoLocalDate(unit === 'day' ? date : periodOf(date, unit)[0]);
      }
    }
  };
  const groups = new Map<string, { keys: (string | null)[]; totals: Totals }>();
  for (const row of rows) {
    // Shipping is an order-level row: it has no product, so product breakdowns leave it out.
    if (byProduct && row.productLegacyId === null) continue;
    if (!query.where.every((w) => (dimensionValue(row, w.dimension) === w.value) === (w.op === '='))) continue;
    const keys = query.groupBy.map((d) => dimensionValue(row, d));
    const key = JSON.stringify(keys);
    let group = groups.get(key);
    if (!group) {
      group = {
        keys,
        totals: { gross: 0, discounts: 0, returns: 0, shipping: 0, taxes: 0, items: 0, orders: new Set() },
      };
      groups.set(key, group);
    }
    const t = group.totals;
    t.gross += row.grossCents;
    t.discounts += row.discountCents;
    t.returns += row.returnCents;
    t.shipping += row.shippingCents;
    t.taxes += row.taxCents;
    t.items += row.quantity;
    if (row.kind === 'sale') t.orders.add(row.orderLegacyId);
  }
  if (wholeDays) {
    const first = Number.isFinite(from) ? isoLocalDate(localDateOf(from, timeZone)) : '';
    const end = Number.isFinite(to) ? isoLocalDate(localDateOf(to, timeZone)) : '9999-12-31';
    for (const [day, d] of dailyTotals(store, timeZone)) {
      if (day < first || day >= end) continue;
      const [y, m, dd] = day.split('-').map(Number) as [number, number, number];
      const keys = query.groupBy.map((unit) =>
        unit === 'day' ? day : isoLocalDate(periodOf({ year: y, month: m, day: dd }, unit as TimeDimension)[0]),
      );
      const key = JSON.stringify(keys);
      let group = groups.get(key);
      if (!group) {
        group = {
          keys,
          totals: {
            gross: 0,
            discounts: 0,
            returns: 0,
            shipping: 0,
            taxes: 0,
            items: 0,
            orders: new Set(),
            orderCount: 0,
          },
        };
        groups.set(key, group);
      }
      const t = group.totals;
      t.gross += d.gross;
      t.discounts += d.discounts;
      t.returns += d.returns;
      t.shipping += d.shipping;
      t.taxes += d.taxes;
      t.items += d.items;
      t.orderCount! += d.orders;
    }
  }
  if (groups.size === 0 && query.groupBy.length === 0)
    groups.set('[]', {
      keys: [],
      totals: { gross: 0, discounts: 0, returns: 0, shipping: 0, taxes: 0, items: 0, orders: new Set() },
    });

  const columns: ShopifyqlColumn[] = [];
  const cells: ((keys: (string | null)[], totals: Totals) => string | number | null)[] = [];
  const shown = new Set(query.show.map((s) => s.column));
  query.groupBy.forEach((dimension, k) => {
    if (shown.has(dimension)) return;
    const meta =
      dimension in TIME_DIMENSIONS ? TIME_DIMENSIONS[dimension as TimeDimension] : DIMENSIONS[dimension as Dimension];
    columns.push({ name: dimension, ...meta });
    cells.push((keys) => keys[k] ?? null);
  });
  for (const item of query.show) {
    if (item.column in METRICS) {
      const metric = item.column as Metric;
      columns.push({ name: item.alias, ...METRICS[metric] });
      cells.push((_keys, totals) => metricValue(metric, totals));
    } else {
      const k = query.groupBy.indexOf(item.column as TimeDimension | Dimension);
      if (k < 0) throw new ParseError(`Column '${item.column}' must be in GROUP BY to be shown`);
      const meta =
        item.column in TIME_DIMENSIONS
          ? TIME_DIMENSIONS[item.column as TimeDimension]
          : DIMENSIONS[item.column as Dimension];
      columns.push({ name: item.alias, ...meta });
      cells.push((keys) => keys[k] ?? null);
    }
  }
  let table = [...groups.values()].map((g) => {
    const row: Record<string, string | number | null> = {};
    columns.forEach((c, k) => (row[c.name] = cells[k]!(g.keys, g.totals)));
    return row;
  });
  const compare = (a: string | number | null, b: string | number | null, type: string) => {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    if (type === 'MONEY' || type === 'INTEGER') return Number(a) - Number(b);
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  };
  const order =
    query.orderBy.length > 0
      ? query.orderBy
      : columns.slice(0, query.groupBy.length).map((c) => ({ column: c.name, descending: false }));
  for (const o of order)
    if (!columns.some((c) => c.name === o.column))
      throw new ParseError(`ORDER BY column '${o.column}' is not in SHOW or GROUP BY`);
  table.sort((a, b) => {
    for (const o of order) {
      const type = columns.find((c) => c.name === o.column)!.dataType;
      const d = compare(a[o.column]!, b[o.column]!, type);
      if (d !== 0) return o.descending ? -d : d;
    }
    return 0;
  });
  if (query.limit !== null) table = table.slice(0, query.limit);
  return { columns, rows: table };
}

/**
 * Runs a ShopifyQL query on the store; syntax and semantic errors come back as `parseErrors` (with no table), like
 * Shopify's.
 *
 * @example
 * runShopifyql(store, 'FROM sales SHOW total_sales GROUP BY month SINCE startOfYear(0y) ORDER BY month');
 */
export function runShopifyql(store: ShopifyStore, source: string): ShopifyqlResponse {
  try {
    const query = new Parser(tokenize(source)).parse();
    return { parseErrors: [], tableData: execute(store, query) };
  } catch (error) {
    if (error instanceof ParseError) return { parseErrors: [error.message], tableData: null };
    throw error;
  }
}
