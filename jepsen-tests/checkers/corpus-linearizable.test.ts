// Proves the linearizability checker reaches the verdicts porcupine and knossos (and elle-cli's
// knossos rows) recorded for real histories: every row of porcupine/, knossos/ and the
// cas-register/mutex rows of elle-cli/ EXPECTED.tsv is checked with the model the row names.
// Rows without a verdict or a file are listed as not covered in the printed table.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { corpusFileExists, corpusRoot, expectedRows, loadHistory, VerdictTable } from './corpus-support.js';
import { checkLinearizable } from './linearizable.js';
import { casRegister, kvRegister, multiRegister, mutex, type HistoryModel } from './register-models.js';

const table = new VerdictTable();

describe.runIf(existsSync(corpusRoot()))('linearizability corpus', () => {
  afterAll(() => table.print('linearizability corpus'));

  it('porcupine: etcd cas-register logs (init nil, failed cas observed) and per-key kv logs', () => {
    for (const [file, expected] of expectedRows('porcupine') as Array<[string, string]>) {
      if (expected === 'UNTESTED') {
        table.notCovered(`porcupine/${file}`, 'empty file; porcupine has no verdict for it');
        continue;
      }
      const model = file.includes('/kv/') ? kvRegister('') : casRegister({ initial: null, nilReadMatchesAny: false, failedCasObservesMismatch: true });
      const r = checkLinearizable(loadHistory('porcupine', file), { model: model as HistoryModel<unknown> });
      table.record(`porcupine/${file}`, expected, r);
      expect(String(r.valid), file).toBe(expected);
    }
  });

  it('knossos: cas-register (init 0), multi-register and mutex histories', () => {
    for (const [file, expectedRaw, model] of expectedRows('knossos') as Array<[string, string?, string?]>) {
      if (expectedRaw === undefined || model === undefined || !corpusFileExists('knossos', file)) {
        table.notCovered(`knossos/${file}`, 'absent from the snapshot');
        continue;
      }
      const expected = expectedRaw.split(' ')[0] as string;
      const m = model.includes('multi-register') ? multiRegister({ x: 0, y: 0 }) : model.includes('mutex') ? mutex() : casRegister({ initial: 0 });
      const r = checkLinearizable(loadHistory('knossos', file), { model: m as HistoryModel<unknown> });
      table.record(`knossos/${file}`, expected, r);
      expect(String(r.valid), file).toBe(expected);
    }
  });

  it('elle-cli: its knossos cas-register and mutex rows', () => {
    for (const [file, expected, model] of expectedRows('elle-cli') as Array<[string, string?, string?]>) {
      if (model !== 'cas-register' && model !== 'mutex') continue;
      if (!corpusFileExists('elle-cli', file)) {
        table.notCovered(`elle-cli/${file}`, 'absent from the snapshot (>= 4 MiB)');
        continue;
      }
      const m = model === 'mutex' ? mutex() : casRegister({ initial: 0 });
      const r = checkLinearizable(loadHistory('elle-cli', file), { model: m as HistoryModel<unknown> });
      table.record(`elle-cli/${file}`, expected ?? '', r);
      expect(r.valid, file).toBe(expected === 'valid');
    }
  });
});
