import type { INodeProperties } from 'n8n-workflow';

export const keywordsProperty: INodeProperties = {
  displayName: 'Keywords',
  name: 'keywords',
  type: 'json',
  default: '[]',
  required: true,
  placeholder: '["holiday gift ideas", "fashion"]',
  description: 'Keywords or phrases to match, as a JSON list',
};

export const regionProperty: INodeProperties = {
  displayName: 'Region',
  name: 'region',
  type: 'string',
  default: 'US',
  description: 'Two-letter country code',
};

export const limitProperty: INodeProperties = {
  displayName: 'Limit',
  name: 'limit',
  type: 'number',
  typeOptions: { minValue: 1, maxValue: 100 },
  default: 10,
  description: 'Max number of results to return',
};
