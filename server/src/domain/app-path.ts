import { z } from 'zod';

/**
 * Whether `value` is a path of this app: starts with one `/`, then neither `/` nor `\\` (a browser reads `//host` and
 * `/\\host` as another site), has no whitespace, backslash or control character, and resolves to the same origin.
 *
 * @example isAppPath('/workspaces/1/channels/2') // true
 *          isAppPath('//evil.example')           // false
 */
export function isAppPath(value: string): boolean {
  if (!/^\/(?![/\\])[^\s\\]*$/.test(value)) return false;
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  try {
    return new URL(value, 'http://app.invalid').origin === 'http://app.invalid';
  } catch {
    return false;
  }
}

/** An app path (see {@link isAppPath}), at most 2000 characters. */
export const appPath = z
  .string()
  .max(2000)
  .refine(isAppPath, 'use a path of this app starting with a single / (such as /workspaces/...)');
