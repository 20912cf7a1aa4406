import { describe, expect, it } from '@jest/globals';
import { createdAtQuery, isoInZone, parseBound, PeriodError, resolvePeriod, zoneOffsetMs } from './periods';

const NY = 'America/New_York';

describe('resolvePeriod', () => {
  // 2026-11-27 10:00 in New York (15:00 UTC), the Friday after Thanksgiving.
  const now = new Date('2026-11-27T15:00:00Z');

  it.each([
    ['today', '2026-11-27T00:00:00-05:00', '2026-11-28T00:00:00-05:00', 1],
    ['yesterday', '2026-11-26T00:00:00-05:00', '2026-11-27T00:00:00-05:00', 1],
    ['last_7_days', '2026-11-20T00:00:00-05:00', '2026-11-27T00:00:00-05:00', 7],
    ['last_30_days', '2026-10-28T00:00:00-04:00', '2026-11-27T00:00:00-05:00', 30],
    ['last_90_days', '2026-08-29T00:00:00-04:00', '2026-11-27T00:00:00-05:00', 90],
    ['month_to_date', '2026-11-01T00:00:00-04:00', '2026-11-28T00:00:00-05:00', 27],
    ['last_month', '2026-10-01T00:00:00-04:00', '2026-11-01T00:00:00-04:00', 31],
    ['year_to_date', '2026-01-01T00:00:00-05:00', '2026-11-28T00:00:00-05:00', 331],
  ] as const)('%s in the shop time zone', (period, from, to, days) => {
    const range = resolvePeriod({ period, timeZone: NY, now });
    expect([range.fromIso, range.toIso, range.days.length]).toEqual([from, to, days]);
    expect(range.from.getTime()).toBe(Date.parse(from));
    expect(range.to.getTime()).toBe(Date.parse(to));
  });

  it('lists every local day across a DST change once (the 25-hour day of 1 November 2026)', () => {
    const range = resolvePeriod({ period: 'last_30_days', timeZone: NY, now });
    expect(range.days[0]).toBe('2026-10-28');
    expect(range.days[range.days.length - 1]).toBe('2026-11-26');
    expect(new Set(range.days).size).toBe(30);
    expect(range.days).toContain('2026-11-01');
  });

  it('uses the zone, not UTC, to decide which day "today" is', () => {
    const lateEvening = new Date('2026-11-28T03:30:00Z'); // 22:30 on the 27th in New York
    expect(resolvePeriod({ period: 'today', timeZone: NY, now: lateEvening }).days).toEqual(['2026-11-27']);
    expect(resolvePeriod({ period: 'today', timeZone: 'Etc/UTC', now: lateEvening }).days).toEqual(['2026-11-28']);
    expect(resolvePeriod({ period: 'today', timeZone: 'Asia/Tokyo', now: lateEvening }).fromIso).toBe(
      '2026-11-28T00:00:00+09:00',
    );
  });

  it('last_month in January is December of the previous year', () => {
    const range = resolvePeriod({
      period: 'last_month',
      timeZone: 'Europe/Paris',
      now: new Date('2027-01-15T12:00:00Z'),
    });
    expect([range.fromIso, range.toIso]).toEqual(['2026-12-01T00:00:00+01:00', '2027-01-01T00:00:00+01:00']);
  });

  it('custom: dates at local midnight, date-times with or without offset, to defaults to now', () => {
    expect(resolvePeriod({ period: 'custom', from: '2026-11-01', to: '2026-11-08', timeZone: NY, now })).toMatchObject({
      fromIso: '2026-11-01T00:00:00-04:00',
      toIso: '2026-11-08T00:00:00-05:00',
      days: ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-07'],
    });
    expect(
      resolvePeriod({
        period: 'custom',
        from: '2026-11-20T09:30',
        to: '2026-11-20T18:00:00Z',
        timeZone: NY,
        now,
      }).from.toISOString(),
    ).toBe('2026-11-20T14:30:00.000Z');
    const open = resolvePeriod({ period: 'custom', from: '2026-11-26', timeZone: NY, now });
    expect(open.to.getTime()).toBe(now.getTime());
    expect(open.days).toEqual(['2026-11-26', '2026-11-27']);
  });

  it('rejects bad bounds naming the parameter', () => {
    const attempt = (input: { from?: string; to?: string }): unknown[] | null => {
      try {
        resolvePeriod({ period: 'custom', timeZone: NY, now, ...input });
        return null;
      } catch (error) {
        return error instanceof PeriodError ? [error.parameter, error.message] : [error];
      }
    };
    expect(attempt({})).toEqual(['from', 'Parameter "from" is required when period is "custom" (e.g. 2026-11-01).']);
    expect(attempt({ from: '2026-02-30' })).toEqual(['from', 'Parameter "from" is not a calendar date: "2026-02-30".']);
    expect(attempt({ from: 'last tuesday' })?.[0]).toBe('from');
    expect(attempt({ from: '2026-11-10', to: '2026-11-01' })).toEqual([
      'to',
      'The period is empty: "to" (2026-11-01) must be after "from" (2026-11-10).',
    ]);
    expect(() => resolvePeriod({ period: 'fortnight' as never, timeZone: NY, now })).toThrow(
      /Parameter "period" must be one of/,
    );
    expect(() => resolvePeriod({ period: 'today', timeZone: 'Mars/Olympus_Mons', now })).toThrow(
      /time zone "Mars\/Olympus_Mons" is unknown/,
    );
  });

  it('formats instants with the zone offset and builds a UTC created_at query', () => {
    expect(isoInZone(Date.parse('2026-07-04T16:00:00Z'), NY)).toBe('2026-07-04T12:00:00-04:00');
    expect(zoneOffsetMs(Date.parse('2026-01-15T00:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
    expect(parseBound('2026-11-01', 'Asia/Kolkata', 'from')).toBe(Date.parse('2026-10-31T18:30:00Z'));
    expect(createdAtQuery({ from: new Date('2026-11-20T05:00:00Z'), to: new Date('2026-11-27T05:00:00.750Z') })).toBe(
      "created_at:>='2026-11-20T05:00:00Z' created_at:<'2026-11-27T05:00:01Z'",
    );
  });
});
