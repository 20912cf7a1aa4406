import { dictionary } from '@zxcvbn-ts/language-common';
import { invalidRequest } from '../errors';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

let commonPasswords: Set<string> | undefined;

/**
 * The common-password list zxcvbn-ts maintains (`@zxcvbn-ts/language-common`, ~49,000 passwords from breach corpora,
 * most frequent first), lower-cased. Loaded on first use.
 */
function commonPasswordSet(): Set<string> {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return commonPasswords;
}

/** Why `password` is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string } = {}): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `use at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim() === '') return 'must not be only spaces';
  const lower = password.trim().toLowerCase();
  if (commonPasswordSet().has(lower))
    return 'is one of the most common passwords (it appears on lists attackers try first); choose another';
  if (context.email) {
    const email = context.email.trim().toLowerCase();
    const name = email.split('@')[0] ?? '';
    if (lower === email || (name.length >= 4 && lower === name)) return 'must not be your email address';
  }
  return undefined;
}

/**
 * Throws a 400 naming `field` when the password breaks the policy: 8-256 characters, not all whitespace, not on the
 * common-password list, not the account's email.
 *
 * @example assertPasswordPolicy({ password: 'password1', field: 'password' }) // 400: one of the most common passwords
 */
export function assertPasswordPolicy(args: { password: string; field: string; email?: string }): void {
  const problem = passwordProblem(args.password, { email: args.email });
  if (problem) throw invalidRequest([{ path: args.field, message: problem }]);
}
