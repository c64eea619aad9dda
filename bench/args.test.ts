// Proves the hand-written argv parser: `--key value`, `--key=value`, flags, typed reads with
// validation, and that an unknown or malformed option is an error rather than ignored.
import { describe, expect, it } from 'vitest';
import { OptionReader, parseArgs, UsageError } from './args.js';

describe('parseArgs', () => {
  it('reads the command and options in both spellings', () => {
    const p = parseArgs(['sysbench', '--threads', '1,8', '--time=10', '--keep-data']);
    expect(p.command).toBe('sysbench');
    expect([...p.options]).toEqual([
      ['threads', '1,8'],
      ['time', '10'],
      ['keep-data', 'true'],
    ]);
  });

  it('rejects a missing value and a second command', () => {
    expect(() => parseArgs(['sysbench', '--time'])).toThrow(UsageError);
    expect(() => parseArgs(['sysbench', '--time', '--runs', '1'])).toThrow(/needs a value/);
    expect(() => parseArgs(['sysbench', 'ledger'])).toThrow(/unexpected argument/);
  });
});

describe('OptionReader', () => {
  const reader = (argv: string[]): OptionReader => new OptionReader(parseArgs(argv).options);

  it('reads typed values with fallbacks', () => {
    const r = reader(['x', '--threads', '1, 8,16', '--runs', '3', '--systems', 'mariadb']);
    expect(r.positiveIntList('threads', [1])).toEqual([1, 8, 16]);
    expect(r.positiveInt('runs', 1)).toBe(3);
    expect(r.positiveInt('time', 20)).toBe(20);
    expect(r.choiceList('systems', ['atoll', 'mariadb'], ['atoll', 'mariadb'])).toEqual(['mariadb']);
    expect(r.flag('keep-data')).toBe(false);
    expect(() => r.rejectUnknown()).not.toThrow();
  });

  it('rejects bad numbers, bad choices and unknown options', () => {
    expect(() => reader(['x', '--runs', '0']).positiveInt('runs', 1)).toThrow(/positive integer/);
    expect(() => reader(['x', '--runs', '2.5']).positiveInt('runs', 1)).toThrow(/positive integer/);
    expect(() => reader(['x', '--threads', '1,-8']).positiveIntList('threads', [1])).toThrow(/positive integer/);
    expect(() => reader(['x', '--systems', 'postgres']).choiceList('systems', ['atoll', 'mariadb'], [])).toThrow(/not one of/);
    const r = reader(['x', '--tim', '10']);
    r.positiveInt('time', 20);
    expect(() => r.rejectUnknown()).toThrow(/unknown option --tim/);
    expect(r.unread()).toEqual([['tim', '10']]);
  });
});
