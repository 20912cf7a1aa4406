import { lazy, Suspense } from 'react';
import { Markdown } from '../components/Markdown';

const RevenueChart = lazy(() => import('./RevenueChart'));

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isRows = (v: unknown): v is Json[] => Array.isArray(v) && v.length > 0 && v.every(isObject);

function money(value: unknown, currency: unknown): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value ?? '');
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: typeof currency === 'string' ? currency : 'USD',
    }).format(n);
  } catch {
    return n.toFixed(2);
  }
}

function number(value: unknown): string {
  const n = Number(value);
  return Number.isFinite(n) ? new Intl.NumberFormat('en-US').format(n) : String(value ?? '');
}

function humanize(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

function cell(value: unknown, key: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && /rate|percent|share/i.test(key) && value <= 1) return `${(value * 100).toFixed(1)}%`;
  if (typeof value === 'number') return number(value);
  if (Array.isArray(value))
    return value.map((v) => (isObject(v) ? (v.name ?? v.title ?? JSON.stringify(v)) : String(v))).join(', ');
  if (isObject(value)) return JSON.stringify(value);
  return String(value);
}

/** A Shopify revenue summary: figures and the daily revenue chart (Chart.js, loaded on first use). */
function RevenueView({ data }: { data: Json }) {
  const daily = (data.daily as Array<{ date: string; total: number; orders: number }>) ?? [];
  return (
    <div className="revenue">
      <dl className="figures">
        <div>
          <dt>Revenue</dt>
          <dd>{money(data.total, data.currency)}</dd>
        </div>
        <div>
          <dt>Orders</dt>
          <dd>{number(data.orders)}</dd>
        </div>
        <div>
          <dt>Average order</dt>
          <dd>{money(data.averageOrderValue, data.currency)}</dd>
        </div>
        {data.net !== undefined && (
          <div>
            <dt>Net</dt>
            <dd>{money(data.net, data.currency)}</dd>
          </div>
        )}
      </dl>
      {daily.length > 0 && (
        <Suspense fallback={<p role="status">Loading chart…</p>}>
          <RevenueChart daily={daily} currency={typeof data.currency === 'string' ? data.currency : 'USD'} />
        </Suspense>
      )}
    </div>
  );
}

function ListView({
  title,
  items,
  primary,
  details,
}: {
  title: string;
  items: Json[];
  primary: string[];
  details: string[];
}) {
  return (
    <section className="output-list">
      <h4>{title}</h4>
      <ol>
        {items.map((item, i) => {
          const name = primary.map((k) => item[k]).find((v) => typeof v === 'string') as string | undefined;
          const facts = details
            .filter((k) => item[k] !== undefined && item[k] !== null)
            .map((k) => `${humanize(k).toLowerCase()} ${cell(item[k], k)}`);
          return (
            <li key={i}>
              <strong>{name ?? `#${i + 1}`}</strong>
              {facts.length > 0 && <span className="facts"> ({facts.join(', ')})</span>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** Rows of objects as a table with the columns of the first rows. */
export function TableView({ rows, caption }: { rows: Json[]; caption: string }) {
  const columns = [...new Set(rows.slice(0, 20).flatMap((r) => Object.keys(r)))]
    .filter((c) => rows.some((r) => !isObject(r[c])))
    .slice(0, 8);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <table className="data-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {humanize(c)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {columns.map((c) => (
                <td key={c} className={typeof row[c] === 'number' ? 'num' : undefined}>
                  {cell(row[c], c)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A structured brief (sections of text and lists), e.g. Slack Brief Butler's. */
function SectionsView({ data }: { data: Json }) {
  return (
    <div className="sections">
      {Object.entries(data).map(([key, value]) => (
        <section key={key}>
          <h4>{humanize(key)}</h4>
          {typeof value === 'string' ? (
            <Markdown text={value} />
          ) : Array.isArray(value) ? (
            isRows(value) ? (
              <TableView rows={value} caption={humanize(key)} />
            ) : (
              <ul>
                {value.map((v, i) => (
                  <li key={i}>{cell(v, key)}</li>
                ))}
              </ul>
            )
          ) : (
            <p>{cell(value, key)}</p>
          )}
        </section>
      ))}
    </div>
  );
}

/**
 * An agent's output rendered for people by its shape: revenue summaries as figures and a chart, trends as hashtag
 * and sound lists, rows (creators, products) as tables, briefs as sections, anything else as its Markdown.
 */
export function OutputView({ data, markdown, title }: { data: unknown; markdown?: string; title?: string }) {
  if (isObject(data) && Array.isArray(data.daily) && 'total' in data && 'orders' in data)
    return <RevenueView data={data} />;
  if (isObject(data) && (Array.isArray(data.hashtags) || Array.isArray(data.sounds))) {
    return (
      <div className="trends">
        {isRows(data.hashtags) && (
          <ListView
            title="Hashtags"
            items={data.hashtags}
            primary={['name', 'hashtag']}
            details={['videoViews', 'views', 'posts', 'videos']}
          />
        )}
        {isRows(data.sounds) && (
          <ListView
            title="Sounds"
            items={data.sounds}
            primary={['title', 'name']}
            details={['artist', 'author', 'uses', 'videos']}
          />
        )}
        {typeof data.brief === 'string' && (
          <section>
            <h4>Brief</h4>
            <Markdown text={data.brief} />
          </section>
        )}
      </div>
    );
  }
  if (isRows(data)) return <TableView rows={data} caption={title ?? 'Agent output'} />;
  if (isObject(data)) {
    const rows = Object.values(data).find(isRows);
    const scalars = Object.values(data).every((v) => typeof v !== 'object' || v === null);
    if (rows && Object.keys(data).length <= 3) return <TableView rows={rows} caption={title ?? 'Agent output'} />;
    if (!scalars || Object.values(data).some((v) => typeof v === 'string' && v.length > 60))
      return <SectionsView data={data} />;
  }
  if (markdown) return <Markdown text={markdown} />;
  if (data !== undefined && data !== null) return <SectionsView data={isObject(data) ? data : { value: data }} />;
  return <p className="empty">No output yet.</p>;
}
