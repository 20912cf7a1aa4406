import { describe, expect, it } from '@jest/globals';
import { compileSearch, parseSearchQuery } from './search-query';
import type { SearchFields } from './search-query';

interface Item {
  title: string;
  created: Date;
  status: string;
  stock: number;
  tags: string[];
}

const items: Item[] = [
  { title: 'Classic Crew Tee', created: new Date('2026-01-01T00:00:00Z'), status: 'paid', stock: 3, tags: ['apparel'] },
  {
    title: 'Vintage Wash T-Shirt',
    created: new Date('2026-01-15T12:00:00Z'),
    status: 'pending',
    stock: 40,
    tags: ['apparel', 'sale'],
  },
  { title: 'Soy Candle', created: new Date('2026-01-31T23:59:59Z'), status: 'paid', stock: 12, tags: ['home'] },
  {
    title: 'Insulated Bottle',
    created: new Date('2026-02-01T00:00:00Z'),
    status: 'refunded',
    stock: 0,
    tags: ['outdoor'],
  },
];

const spec: SearchFields<Item> = {
  fields: {
    title: { type: 'string', get: (i) => i.title },
    created_at: { type: 'date', get: (i) => i.created },
    status: { type: 'string', get: (i) => i.status, mode: 'exact' },
    inventory_total: { type: 'number', get: (i) => i.stock },
    tag: { type: 'string', get: (i) => i.tags, mode: 'exact' },
  },
  defaultText: (i) => [i.title],
};

const now = new Date('2026-02-15T00:00:00Z');
const titles = (query: string) =>
  items.filter(compileSearch(parseSearchQuery(query), spec, now).matches).map((i) => i.title);

describe('Shopify search syntax', () => {
  it.each([
    ['created_at:>=2026-01-01 created_at:<2026-02-01', ['Classic Crew Tee', 'Vintage Wash T-Shirt', 'Soy Candle']],
    ["created_at:<'2026-02-01T00:00:00Z'", ['Classic Crew Tee', 'Vintage Wash T-Shirt', 'Soy Candle']],
    ['created_at:2026-01-15', ['Vintage Wash T-Shirt']],
    ['created_at:>2026-01-01', ['Vintage Wash T-Shirt', 'Soy Candle', 'Insulated Bottle']],
    ['status:paid', ['Classic Crew Tee', 'Soy Candle']],
    ['-status:paid', ['Vintage Wash T-Shirt', 'Insulated Bottle']],
    ['NOT status:paid', ['Vintage Wash T-Shirt', 'Insulated Bottle']],
    ['title:*shirt*', ['Vintage Wash T-Shirt']],
    ['title:shirt', ['Vintage Wash T-Shirt']],
    ['title:candle OR title:bottle', ['Soy Candle', 'Insulated Bottle']],
    ['inventory_total:<10', ['Classic Crew Tee', 'Insulated Bottle']],
    ['inventory_total:>=12 tag:apparel', ['Vintage Wash T-Shirt']],
    ['(tag:home OR tag:outdoor) AND inventory_total:>0', ['Soy Candle']],
    ['tee', ['Classic Crew Tee']],
    ['"Soy Candle"', ['Soy Candle']],
    ['', ['Classic Crew Tee', 'Vintage Wash T-Shirt', 'Soy Candle', 'Insulated Bottle']],
  ])('%s', (query, expected) => {
    expect(titles(query)).toEqual(expected);
  });

  it('ignores unknown fields with a warning, like Shopify', () => {
    const compiled = compileSearch(parseSearchQuery('colour:red status:paid'), spec, now);
    expect(items.filter(compiled.matches).map((i) => i.title)).toEqual(['Classic Crew Tee', 'Soy Candle']);
    expect(compiled.warnings).toEqual([{ field: 'colour', message: 'Invalid search field for this query.' }]);
  });

  it('reports invalid dates and numbers instead of failing', () => {
    const compiled = compileSearch(parseSearchQuery('created_at:>yesterdayish inventory_total:<lots'), spec, now);
    expect(compiled.warnings.map((w) => w.field)).toEqual(['created_at', 'inventory_total']);
    expect(items.filter(compiled.matches)).toHaveLength(4);
  });

  it('derives created_at bounds from top-level terms', () => {
    const compiled = compileSearch(
      parseSearchQuery('created_at:>=2026-01-01 created_at:<2026-02-01 status:paid'),
      spec,
      now,
    );
    expect(compiled.createdAtBounds).toEqual([Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-02-01T00:00:00Z')]);
  });

  it('never throws on malformed input', () => {
    for (const q of ['((', ')', 'title:', ':', '"unterminated', 'a OR', 'NOT', '-', 'AND AND', 'created_at:>']) {
      expect(() => compileSearch(parseSearchQuery(q), spec, now)).not.toThrow();
    }
  });
});
