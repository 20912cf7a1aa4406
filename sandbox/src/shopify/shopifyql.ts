/**
 * ShopifyQL for `shopifyqlQuery` (Admin GraphQL 2025-10): the subset the IONFLUX nodes use, over three datasets built
 * from the same generated orders (`sales.ts`), in the shop's time zone.
 *
 *   FROM sales | orders | products
 *   SHOW column [AS alias], ...                      the dataset's metrics (below), and grouped dimensions
 *   [WHERE dimension = 'value' [AND ...]]            = or != on the dataset's filterable dimensions
 *   [GROUP BY dimension, ...]                        day week month year, and the dataset's dimensions
 *   [SINCE date [UNTIL date] | UNTIL date | DURING range]
 *   [ORDER BY column [ASC|DESC], ...] [LIMIT n]
 *
 * The datasets (https://shopify.dev/docs/api/shopifyql/latest/schemas/sales_revenue/sales,
 * https://shopify.dev/api/shopifyql/datasets/orders-dataset, https://shopify.dev/api/shopifyql/datasets/products-dataset):
 * - `sales`: one row per sale or return event, dated when it happens (a refund on its day). Metrics gross_sales
 *   discounts returns net_sales shipping_charges taxes total_sales orders average_order_value net_items_sold;
 *   dimensions sales_channel product_title product_type product_vendor (filterable) and product_id.
 * - `orders`: one row per order, dated when the order was placed ("the date of the first sales event within that
 *   order"): its later returns, refunded shipping and refunded taxes count on that date too. Numeric values
 *   gross_sales discounts returns net_sales shipping taxes orders ordered_product_quantity returned_product_quantity
 *   net_product_quantity (each also as `sum(value)`, named sum_value), the aggregate average_order_value; dimensions
 *   sales_channel billing_country billing_region billing_city shipping_country shipping_region shipping_city
 *   (filterable) and order_id. The sandbox has no fees, duties, tips or order edits: additional_fees, duties, tips,
 *   gross_sales_adjustments and discounts_adjustments are answered with parseErrors, not with zeros.
 * - `products`: the sales side of Shopify's product dataset, one row per product line sold or returned, dated when it
 *   happens. Numeric values gross_sales net_sales quantity_purchased (units sold, returns not subtracted), also as
 *   `sum(value)`; dimensions product_title product_type product_vendor (filterable) and product_id. The sandbox has
 *   no storefront sessions: view_sessions, cart_sessions and the other session columns are answered with parseErrors.
 * Gift cards are not sales in any of them; discounts and returns are reported negative.
 *
 * Dates are `2026-11-01`, offsets from today (`-7d`, `-2w`, `-1m`, `-1q`, `-1y`, `0d`), `today`, `yesterday`, and
 * startOf|endOf Day|Week|Month|Quarter|Year(offset); UNTIL is inclusive. DURING takes today, yesterday, this_week,
 * this_month, this_quarter, this_year, last_week, last_month, last_quarter, last_year and last_N_days (N whole days
 * before today). Weeks start on Monday. Anything else is answered with `parseErrors`, never guessed.
 */
import type { ShopifyStore, StoreOrder } from './store';
import { salesRowsBetween, salesRowsOf } from './sales';
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

interface ColumnMeta {
  dataType: string;
  displayName: string;
}

const SALES_METRICS: Record<string, ColumnMeta> = {
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
};

const ORDERS_METRICS: Record<string, ColumnMeta> = {
  gross_sales: { dataType: 'MONEY', displayName: 'Gross sales' },
  discounts: { dataType: 'MONEY', displayName: 'Discounts' },
  returns: { dataType: 'MONEY', displayName: 'Returns' },
  net_sales: { dataType: 'MONEY', displayName: 'Net sales' },
  shipping: { dataType: 'MONEY', displayName: 'Shipping' },
  taxes: { dataType: 'MONEY', displayName: 'Taxes' },
  orders: { dataType: 'INTEGER', displayName: 'Orders' },
  ordered_product_quantity: { dataType: 'INTEGER', displayName: 'Ordered product quantity' },
  returned_product_quantity: { dataType: 'INTEGER', displayName: 'Returned product quantity' },
  net_product_quantity: { dataType: 'INTEGER', displayName: 'Net product quantity' },
  average_order_value: { dataType: 'MONEY', displayName: 'Average order value' },
};

const PRODUCTS_METRICS: Record<string, ColumnMeta> = {
  gross_sales: { dataType: 'MONEY', displayName: 'Gross sales' },
  net_sales: { dataType: 'MONEY', displayName: 'Net sales' },
  quantity_purchased: { dataType: 'INTEGER', displayName: 'Quantity purchased' },
};

const PRODUCT_DIMENSIONS: Record<string, ColumnMeta> = {
  product_title: { dataType: 'STRING', displayName: 'Product title' },
  product_type: { dataType: 'STRING', displayName: 'Product type' },
  product_vendor: { dataType: 'STRING', displayName: 'Product vendor' },
  product_id: { dataType: 'IDENTITY', displayName: 'Product ID' },
};

const SALES_CHANNEL: Record<string, ColumnMeta> = {
  sales_channel: { dataType: 'STRING', displayName: 'Sales channel' },
};

const ORDER_DIMENSIONS: Record<string, ColumnMeta> = {
  billing_country: { dataType: 'STRING', displayName: 'Billing country' },
  billing_region: { dataType: 'STRING', displayName: 'Billing region' },
  billing_city: { dataType: 'STRING', displayName: 'Billing city' },
  shipping_country: { dataType: 'STRING', displayName: 'Shipping country' },
  shipping_region: { dataType: 'STRING', displayName: 'Shipping region' },
  shipping_city: { dataType: 'STRING', displayName: 'Shipping city' },
  order_id: { dataType: 'IDENTITY', displayName: 'Order ID' },
};

const TIME_DIMENSIONS = {
  day: { dataType: 'DAY_TIMESTAMP', displayName: 'Day' },
  week: { dataType: 'WEEK_TIMESTAMP', displayName: 'Week' },
  month: { dataType: 'MONTH_TIMESTAMP', displayName: 'Month' },
  year: { dataType: 'YEAR_TIMESTAMP', displayName: 'Year' },
} as const;
type TimeDimension = keyof typeof TIME_DIMENSIONS;

type TableName = 'sales' | 'orders' | 'products';

interface Table {
  metrics: Record<string, ColumnMeta>;
  dimensions: Record<string, ColumnMeta>;
  filterable: string[];
  /** Numeric values that `sum()` takes (the orders and products datasets); empty: SHOW the metric itself. */
  summable: string[];
  /** Columns Shopify documents for the dataset that the sandbox's store has no data for, with why. */
  unsupported: Record<string, string>;
}

const NO_FEES = 'the sandbox store has no additional fees, duties, tips or order edits';
const NO_SESSIONS = 'the sandbox store has no storefront sessions';

const TABLES: Record<TableName, Table> = {
  sales: {
    metrics: SALES_METRICS,
    dimensions: { ...SALES_CHANNEL, ...PRODUCT_DIMENSIONS },
    filterable: ['sales_channel', 'product_title', 'product_type', 'product_vendor'],
    summable: [],
    unsupported: {},
  },
  orders: {
    metrics: ORDERS_METRICS,
    dimensions: { ...SALES_CHANNEL, ...ORDER_DIMENSIONS },
    filterable: ['sales_channel', ...Object.keys(ORDER_DIMENSIONS).filter((d) => d !== 'order_id')],
    summable: Object.keys(ORDERS_METRICS).filter((m) => m !== 'average_order_value'),
    unsupported: Object.fromEntries(
      ['additional_fees', 'duties', 'tips', 'gross_sales_adjustments', 'discounts_adjustments'].map((c) => [
        c,
        NO_FEES,
      ]),
    ),
  },
  products: {
    metrics: PRODUCTS_METRICS,
    dimensions: PRODUCT_DIMENSIONS,
    filterable: ['product_title', 'product_type', 'product_vendor'],
    summable: Object.keys(PRODUCTS_METRICS),
    unsupported: Object.fromEntries(
      [
        'view_sessions',
        'cart_sessions',
        'checkout_sessions',
        'purchase_sessions',
        'quantity_added_to_cart',
        'view_cart_sessions',
        'view_cart_checkout_sessions',
        'view_purchase_sessions',
        'view_cart_checkout_purchase_sessions',
        'view_to_cart_rate',
        'view_to_purchase_rate',
        'checkout_to_purchase_rate',
        'view_cart_checkout_to_purchase_rate',
      ].map((c) => [c, NO_SESSIONS]),
    ),
  },
};

type DateExpr =
  | { kind: 'date'; date: LocalDate }
  | { kind: 'offset'; amount: number; unit: 'd' | 'w' | 'm' | 'q' | 'y' }
  | { kind: 'function'; edge: 'start' | 'end'; unit: 'day' | 'week' | 'month' | 'quarter' | 'year'; offset: DateExpr };

interface Query {
  table: TableName;
  /** `column` is a metric or a dimension; `sum` marks `sum(column)`. */
  show: { column: string; alias: string; sum: boolean }[];
  where: { dimension: string; op: '=' | '!='; value: string }[];
  groupBy: string[];
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

  /** Fails on a column the table does not have, or has in Shopify but not in the sandbox's store. */
  private checkColumn(table: TableName, column: Token): void {
    const name = column.text.toLowerCase();
    const spec = TABLES[table];
    if (name in spec.metrics || name in spec.dimensions || name in TIME_DIMENSIONS) return;
    if (name in spec.unsupported)
      this.fail(
        `Column '${column.text}' of table '${table}' is not supported by the sandbox (${spec.unsupported[name]})`,
        column,
      );
    this.fail(`Unknown column '${column.text}' for table '${table}'`, column);
  }

  parse(): Query {
    this.expectKeyword('FROM');
    const tableToken = this.identifier('a table name');
    const tableName = tableToken.text.toLowerCase();
    if (!(tableName in TABLES))
      this.fail(
        `Table '${tableToken.text}' is not supported by the sandbox (supported: sales, orders, products)`,
        tableToken,
      );
    const table = TABLES[tableName as TableName];
    if (this.isKeyword('VISUALIZE')) this.fail('VISUALIZE is not supported by the sandbox; use SHOW');
    this.expectKeyword('SHOW');
    const show: Query['show'] = [];
    do {
      let column = this.identifier('a metric or dimension');
      let name = column.text.toLowerCase();
      let sum = false;
      if (this.peek().kind === 'symbol' && this.peek().text === '(') {
        if (table.summable.length === 0)
          this.fail(`Aggregate functions are not supported by the sandbox: SHOW the metric itself`, column);
        if (name !== 'sum')
          this.fail(`Aggregate function '${column.text}' is not supported by the sandbox; use sum()`, column);
        this.next();
        column = this.identifier('a numeric value');
        name = column.text.toLowerCase();
        this.checkColumn(tableName as TableName, column);
        if (!table.summable.includes(name))
          this.fail(`sum() takes a numeric value of table '${tableName}' (${table.summable.join(', ')})`, column);
        const close = this.next();
        if (close.text !== ')') this.fail('Expected ) after the numeric value', close);
        sum = true;
      } else this.checkColumn(tableName as TableName, column);
      let alias = sum ? `sum_${name}` : name;
      if (this.isKeyword('AS')) {
        this.next();
        const a = this.peek();
        if (a.kind !== 'word' && a.kind !== 'string') this.fail('Expected an alias after AS');
        alias = this.next().text;
      }
      show.push({ column: name, alias, sum });
    } while (this.peek().text === ',' && this.next());

    const query: Query = {
      table: tableName as TableName,
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
          const name = column.text.toLowerCase();
          if (!table.filterable.includes(name))
            this.fail(
              `WHERE on '${column.text}' is not supported for table '${tableName}' (filter on ${table.filterable.join(', ')})`,
              column,
            );
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
          if (!(name in table.dimensions) && !(name in TIME_DIMENSIONS))
            this.fail(`Cannot group table '${tableName}' by '${column.text}'`, column);
          query.groupBy.push(name);
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
  /** Units sold minus units returned. */
  items: number;
  /** Units sold (sale rows) and units returned (return rows, positive). */
  sold: number;
  returned: number;
  orders: Set<number>;
  /** Set instead of `orders` when the totals come from per-day sums (an order's sale happens on one day). */
  orderCount?: number;
}

type DayTotals = Omit<Totals, 'orders' | 'orderCount'> & { orders: number };

const emptyTotals = (): Totals => ({
  gross: 0,
  discounts: 0,
  returns: 0,
  shipping: 0,
  taxes: 0,
  items: 0,
  sold: 0,
  returned: 0,
  orders: new Set(),
});

function addRow(t: Omit<Totals, 'orders' | 'orderCount'>, row: SalesRow): void {
  t.gross += row.grossCents;
  t.discounts += row.discountCents;
  t.returns += row.returnCents;
  t.shipping += row.shippingCents;
  t.taxes += row.taxCents;
  t.items += row.quantity;
  if (row.kind === 'sale') t.sold += row.quantity;
  else t.returned -= row.quantity;
}

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
      t = { ...emptyTotals(), orders: 0 };
      days.set(key, t);
    }
    addRow(t, row);
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

function metricValue(table: TableName, metric: string, t: Totals): string | number {
  const net = t.gross - t.discounts - t.returns;
  const orders = t.orderCount ?? t.orders.size;
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
    case 'shipping':
      return money(t.shipping);
    case 'taxes':
      return money(t.taxes);
    case 'total_sales':
      return money(net + t.shipping + t.taxes);
    case 'orders':
      return orders;
    case 'average_order_value':
      return money(orders === 0 ? 0 : Math.round((t.gross - t.discounts) / orders));
    case 'net_items_sold':
    case 'net_product_quantity':
      return t.items;
    case 'ordered_product_quantity':
    case 'quantity_purchased':
      return t.sold;
    case 'returned_product_quantity':
      return t.returned;
  }
  throw new Error(`no value for ${table}.${metric}`);
}

/** The address a dimension of the orders table reads, or null (Point of Sale orders often have none). */
function addressDimension(order: StoreOrder | undefined, dimension: string): string | null {
  const [which, part] = dimension.split('_') as ['billing' | 'shipping', 'country' | 'region' | 'city'];
  const address = which === 'billing' ? order?.billingAddress : order?.shippingAddress;
  if (!address) return null;
  return part === 'country' ? address.country : part === 'region' ? address.province : address.city;
}

/**
 * The rows a query reads: the sales table's events in [lower, upper); for `orders`, every event of the orders placed
 * in [lower, upper), dated when the order was placed; for `products`, the product lines of the sales table.
 */
function tableRows(
  store: ShopifyStore,
  table: TableName,
  lower: number,
  upper: number,
): { rows: SalesRow[]; orders: Map<number, StoreOrder> } {
  const orders = new Map<number, StoreOrder>();
  if (upper <= lower) return { rows: [], orders };
  if (table === 'orders') {
    const rows: SalesRow[] = [];
    for (const order of store.ordersCreatedBetween(lower, upper)) {
      orders.set(order.legacyId, order);
      const at = order.createdAt.getTime();
      for (const row of salesRowsOf(store, order)) rows.push({ ...row, at });
    }
    return { rows, orders };
  }
  const rows = salesRowsBetween(store, lower, upper);
  return { rows: table === 'products' ? rows.filter((r) => r.productLegacyId !== null) : rows, orders };
}

function execute(store: ShopifyStore, query: Query): ShopifyqlResponse['tableData'] {
  const table = TABLES[query.table];
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
    query.table === 'sales' &&
    query.where.length === 0 &&
    query.groupBy.every((d) => d in TIME_DIMENSIONS) &&
    midnight(from) &&
    midnight(to);
  const { rows, orders } = wholeDays
    ? { rows: [], orders: new Map<number, StoreOrder>() }
    : tableRows(store, query.table, lower, upper);

  const byProduct =
    query.table === 'sales' &&
    (query.groupBy.some((d) => d.startsWith('product_')) ||
      query.where.some((w) => w.dimension.startsWith('product_')));
  const dimensionValue = (row: SalesRow, dimension: string): string | null => {
    if (dimension in TIME_DIMENSIONS) {
      const date = localDateOf(row.at, timeZone);
      const unit = dimension as TimeDimension;
      return isoLocalDate(unit === 'day' ? date : periodOf(date, unit)[0]);
    }
    if (dimension === 'sales_channel') return row.salesChannel;
    if (dimension === 'order_id') return String(row.orderLegacyId);
    if (dimension.startsWith('billing_') || dimension.startsWith('shipping_'))
      return addressDimension(orders.get(row.orderLegacyId) ?? store.order(row.orderLegacyId), dimension);
    const product = row.productLegacyId !== null ? store.product(row.productLegacyId) : undefined;
    switch (dimension) {
      case 'product_title':
        return product?.title ?? null;
      case 'product_type':
        return product?.productType ?? null;
      case 'product_vendor':
        return product?.vendor ?? null;
      case 'product_id':
        return product ? `gid://shopify/Product/${product.legacyId}` : null;
    }
    throw new Error(`no value for ${query.table}.${dimension}`);
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
      group = { keys, totals: emptyTotals() };
      groups.set(key, group);
    }
    addRow(group.totals, row);
    if (row.kind === 'sale') group.totals.orders.add(row.orderLegacyId);
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
        group = { keys, totals: { ...emptyTotals(), orderCount: 0 } };
        groups.set(key, group);
      }
      const t = group.totals;
      t.gross += d.gross;
      t.discounts += d.discounts;
      t.returns += d.returns;
      t.shipping += d.shipping;
      t.taxes += d.taxes;
      t.items += d.items;
      t.sold += d.sold;
      t.returned += d.returned;
      t.orderCount! += d.orders;
    }
  }
  if (groups.size === 0 && query.groupBy.length === 0) groups.set('[]', { keys: [], totals: emptyTotals() });

  const columns: ShopifyqlColumn[] = [];
  const cells: ((keys: (string | null)[], totals: Totals) => string | number | null)[] = [];
  const dimensionMeta = (name: string): ColumnMeta =>
    name in TIME_DIMENSIONS ? TIME_DIMENSIONS[name as TimeDimension] : table.dimensions[name]!;
  const shown = new Set(query.show.map((s) => s.column));
  query.groupBy.forEach((dimension, k) => {
    if (shown.has(dimension)) return;
    columns.push({ name: dimension, ...dimensionMeta(dimension) });
    cells.push((keys) => keys[k] ?? null);
  });
  for (const item of query.show) {
    if (item.column in table.metrics) {
      const meta = table.metrics[item.column]!;
      columns.push({
        name: item.alias,
        dataType: meta.dataType,
        displayName: item.sum ? `Sum of ${meta.displayName.toLowerCase()}` : meta.displayName,
      });
      cells.push((_keys, totals) => metricValue(query.table, item.column, totals));
    } else {
      const k = query.groupBy.indexOf(item.column);
      if (k < 0) throw new ParseError(`Column '${item.column}' must be in GROUP BY to be shown`);
      columns.push({ name: item.alias, ...dimensionMeta(item.column) });
      cells.push((keys) => keys[k] ?? null);
    }
  }
  let tableRowsOut = [...groups.values()].map((g) => {
    const row: Record<string, string | number | null> = {};
    columns.forEach((c, k) => (row[c.name] = cells[k]!(g.keys, g.totals)));
    return row;
  });
  const compare = (a: string | number | null, b: string | number | null, type: string) => {
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
    if (type === 'MONEY' || type === 'INTEGER') return Number(a) - Number(b);
    return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
  };
  // ORDER BY names a column of the result, or the numeric value a `sum()` column adds up.
  const summed = new Map(query.show.filter((s) => s.sum).map((s) => [s.column, s.alias]));
  const order = (
    query.orderBy.length > 0
      ? query.orderBy
      : columns.slice(0, query.groupBy.length).map((c) => ({ column: c.name, descending: false }))
  ).map((o) =>
    columns.some((c) => c.name === o.column) ? o : { ...o, column: summed.get(o.column.toLowerCase()) ?? o.column },
  );
  for (const o of order)
    if (!columns.some((c) => c.name === o.column))
      throw new ParseError(`ORDER BY column '${o.column}' is not in SHOW or GROUP BY`);
  tableRowsOut.sort((a, b) => {
    for (const o of order) {
      const type = columns.find((c) => c.name === o.column)!.dataType;
      const d = compare(a[o.column]!, b[o.column]!, type);
      if (d !== 0) return o.descending ? -d : d;
    }
    return 0;
  });
  if (query.limit !== null) tableRowsOut = tableRowsOut.slice(0, query.limit);
  return { columns, rows: tableRowsOut };
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
