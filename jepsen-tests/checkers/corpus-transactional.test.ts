// Proves the transactional and ledger checkers reach the verdicts Elle and elle-cli recorded:
// Elle's own list-append tests (elle/), elle-cli's test.sh rows for list-append, rw-register,
// bank, set, set-full and counter (elle-cli/), and elle-cli's list-append test data with the
// exact anomaly types and weakest ruled-out models it records (elle-cli/test-data/).
// Rows not covered (no verdict, file absent, long-fork) are listed in the printed table.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { anomalyTypes, type CheckResult } from './check-result.js';
import { corpusFileExists, corpusRoot, elleNot, expectedRows, loadHistory, VerdictTable } from './corpus-support.js';
import { checkBank } from './bank.js';
import { checkCounter } from './counter.js';
import type { ElleOptions } from './elle-analysis.js';
import { checkListAppend } from './list-append.js';
import { checkRwRegister } from './rw-register.js';
import { checkSet, checkSetFull } from './set.js';

const table = new VerdictTable();

describe.runIf(existsSync(corpusRoot()))('transactional corpus', () => {
  afterAll(() => table.print('transactional corpus'));

  it("elle: list-append histories from Elle's own tests", () => {
    for (const [file, expected] of expectedRows('elle') as Array<[string, string?]>) {
      const path = `elle/${file}`;
      if (expected === undefined || !corpusFileExists('elle', file)) {
        table.notCovered(path, 'absent from the snapshot (>= 4 MiB)');
      } else if (file.includes('huge-scc')) {
        // Elle: false with G2-item-realtime, cycle-search-timeout, strong-snapshot-isolation-
        // cycle-exists. Whether the search times out depends on effort, so that one is not asserted.
        const r = checkListAppend(loadHistory('elle', file), {});
        table.record(path, expected, r);
        expect(r.valid).toBe(false);
        expect(anomalyTypes(r)).toEqual(expect.arrayContaining(['G2-item-realtime', 'strong-snapshot-isolation-cycle-exists']));
        expect(elleNot(r)).toEqual(['strong-snapshot-isolation']);
      } else if (file.includes('si-without-g-single')) {
        const r = checkListAppend(loadHistory('elle', file), { consistencyModels: ['snapshot-isolation', 'repeatable-read'] });
        table.record(path, expected, r);
        expect(anomalyTypes(r)).toEqual(['G2-item']);
        expect(elleNot(r)).toEqual(['repeatable-read']);
      } else {
        const r = checkListAppend(loadHistory('elle', file), {});
        table.record(path, expected, r);
        table.notCovered(path, `no verdict recorded (ours: ${String(r.valid)} ${anomalyTypes(r).join(',')})`);
      }
    }
  });

  it("elle-cli: test.sh rows of every model but the knossos ones and long-fork", () => {
    for (const [file, expected, model, extra] of expectedRows('elle-cli') as Array<[string, string?, string?, string?]>) {
      if (model === 'cas-register' || model === 'mutex') continue; // corpus-linearizable.test.ts
      if (expected === undefined || model === undefined || !corpusFileExists('elle-cli', file)) {
        table.notCovered(`elle-cli/${file}`, 'absent from the snapshot');
        continue;
      }
      const r = runRow(file, model, extra ?? '');
      if (r === null) {
        table.notCovered(`elle-cli/${file}`, `model ${model} (Jepsen's long-fork checker) is not implemented`);
        continue;
      }
      table.record(`elle-cli/${file}${extra ? ' ' + extra : ''}`, expected, r);
      expect(r.valid, `${file} ${extra ?? ''}`).toBe(expected === 'valid');
    }
  });

  it('elle-cli test-data: list-append verdicts, anomaly types and ruled-out models', () => {
    for (const [file, validRaw, types, not] of expectedRows('elle-cli/test-data') as Array<[string, string, string, string]>) {
      // elle-cli's defaults (test/elle_cli/elle_cli_test.clj).
      const r = checkListAppend(loadHistory('elle-cli/test-data', file), { consistencyModels: ['strict-serializable'], anomalies: ['G0'] });
      const valid = validRaw.split(' ')[0] as string;
      table.record(`elle-cli/test-data/${file}`, `${valid} ${types}`, r);
      expect(String(r.valid), file).toBe(valid);
      if (types !== '-') expect(anomalyTypes(r), file).toEqual(types.split(',').sort());
      if (not !== '-' && not !== '(none)') expect(elleNot(r), file).toEqual(not.split(',').sort());
    }
  });
});

/** Runs one elle-cli row; null when no checker here covers its model. */
function runRow(file: string, model: string, extra: string): CheckResult | null {
  const h = loadHistory('elle-cli', file);
  switch (model) {
    case 'rw-register': return checkRwRegister(h, elleCliOptions(extra));
    case 'list-append': return checkListAppend(h, elleCliOptions(extra));
    case 'counter': return checkCounter(h);
    case 'set': return checkSet(h);
    case 'set-full': return checkSetFull(h);
    case 'bank': return checkBank(h);
    default: return null;
  }
}

/** elle-cli's defaults with `--consistency-models x` applied (plot/timeout flags do not change verdicts). */
function elleCliOptions(extra: string): ElleOptions {
  const m = /--consistency-models\s+(\S+)/.exec(extra);
  return { consistencyModels: m === null ? ['strict-serializable'] : (m[1] as string).split(','), anomalies: ['G0'] };
}
