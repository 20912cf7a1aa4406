import { describe, expect, it } from '@jest/globals';
import { unifiedDiff } from './text-diff';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff({ before: 'a\nb\n', after: 'a\nb\n', fromName: 'x', toName: 'y' })).toBe('');
  });

  it('shows a changed line with its context, numbered like diff -u', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    expect(unifiedDiff({ before, after, fromName: 'old', toName: 'new' })).toBe(
      [
        '--- old',
        '+++ new',
        '@@ -7,7 +7,7 @@',
        'line 7',
        'line 8',
        'line 9',
        '-line 10',
        '+line ten',
        'line 11',
        'line 12',
        'line 13',
        '',
      ]
        .map((l, i) => (i >= 3 && !l.startsWith('-') && !l.startsWith('+') && l ? ` ${l}` : l))
        .join('\n'),
    );
  });

  it('keeps separate hunks apart and counts added and removed lines', () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${i + 1}`).join('\n');
    const after = before.replace('l2\n', 'l2\nnew\n').replace('l28\n', '');
    const diff = unifiedDiff({ before, after, fromName: 'a', toName: 'b', context: 1 });
    expect(diff.match(/^@@.*@@$/gm)).toEqual(['@@ -2,2 +2,3 @@', '@@ -27,3 +28,2 @@']);
    expect(diff).toContain('\n+new\n');
    expect(diff).toContain('\n-l28\n');
  });
});
