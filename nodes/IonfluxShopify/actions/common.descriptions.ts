import type { INodeProperties } from 'n8n-workflow';
import { PERIODS } from '../periods';

const PERIOD_NAMES: Record<(typeof PERIODS)[number], string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  last_7_days: 'Last 7 Days',
  last_30_days: 'Last 30 Days',
  last_90_days: 'Last 90 Days',
  last_365_days: 'Last 365 Days',
  month_to_date: 'Month to Date',
  last_month: 'Last Month',
  year_to_date: 'Year to Date',
  custom: 'Custom (From / To)',
};

/** `period`, `from`, `to`: a reporting period relative to now in the store's time zone. */
export const periodProperties: INodeProperties[] = [
  {
    displayName: 'Period',
    name: 'period',
    type: 'options',
    options: PERIODS.map((value) => ({ name: PERIOD_NAMES[value], value })),
    default: 'last_7_days',
    description: "Reporting period, relative to now in the store's time zone. Custom uses From and To.",
  },
  {
    displayName: 'From',
    name: 'from',
    type: 'string',
    default: '',
    placeholder: '2026-11-01',
    description: "Start (inclusive) as an ISO date or date-time; a date means midnight in the store's time zone",
    displayOptions: { show: { period: ['custom'] } },
  },
  {
    displayName: 'To',
    name: 'to',
    type: 'string',
    default: '',
    placeholder: '2026-12-01',
    description: 'End (exclusive) as an ISO date or date-time; empty means now',
    displayOptions: { show: { period: ['custom'] } },
  },
];
