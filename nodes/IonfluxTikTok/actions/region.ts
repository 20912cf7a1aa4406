import type { IExecuteFunctions } from 'n8n-workflow';
import { parameterError, readString } from '../../shared/parameters';

/** A two-letter country code parameter, upper-cased. */
export function readRegion(
  ctx: IExecuteFunctions,
  itemIndex: number,
  { required }: { required: boolean },
): string | undefined {
  const value = readString(ctx, 'region', itemIndex, { required });
  if (value === undefined) return undefined;
  const region = value.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(region))
    throw parameterError(
      ctx,
      'region',
      itemIndex,
      `must be a two-letter country code such as US or GB, but got "${value}".`,
    );
  return region;
}
