import { describe, expect, it } from '@jest/globals';
import { compareSemver, compareVersionText, parseSemver } from './semver';

describe('semver', () => {
  it('parses versions and refuses what is not one', () => {
    expect(parseSemver('1.2.3')).toMatchObject({ major: 1, minor: 2, patch: 3, prerelease: [] });
    expect(parseSemver('2.0.0-beta.11+build.7')).toMatchObject({ prerelease: ['beta', 11] });
    for (const bad of ['1.2', '01.2.3', '1.2.3-', '1.2.3-01', 'v1.2.3', '1.2.3.4', '', '1.2.3-beta..1'])
      expect({ bad, parsed: parseSemver(bad) }).toEqual({ bad, parsed: undefined });
  });

  it('orders versions as semver.org section 11 lists them', () => {
    // The precedence example of the specification, shuffled and sorted back.
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.1.0',
      '1.10.0',
      '2.0.0',
    ];
    const shuffled = [...ordered].sort((a, b) =>
      a.split('').reverse().join('') < b.split('').reverse().join('') ? -1 : 1,
    );
    expect(shuffled).not.toEqual(ordered);
    expect(shuffled.sort(compareVersionText)).toEqual(ordered);
  });

  it('ignores build metadata in the order', () => {
    expect(compareSemver(parseSemver('1.0.0+a')!, parseSemver('1.0.0+b')!)).toBe(0);
  });
});
