// Proves with strace, not with the documentation, that a commit and a log append resolve only
// after the data file was fdatasync'ed and the meta page written through the O_DSYNC
// descriptor: in the traced child every `ACK` line is preceded, since the previous ACK, by an
// fdatasync of data.mdb and then a pwrite to its O_DSYNC descriptor. Skipped where strace is
// not installed.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild } from './test-support/bundle-child.js';

const strace = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));
const root = mkdtempSync(join(tmpdir(), 'atoll-fsync-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('durability under strace', () => {
  it.skipIf(strace === undefined)('fdatasyncs before every acknowledgement', async () => {
    const child = await bundleChild('storage/test-support/fsync-child.ts', root);
    const trace = join(root, 'trace.txt');
    const run = spawnSync(strace!, ['-f', '-e', 'trace=openat,fdatasync,fsync,pwrite64,write', '-o', trace, process.execPath, child, join(root, 'db')], {
      timeout: 30_000,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const dataFds = new Set<string>();
    const dsyncFds = new Set<string>();
    for (const line of lines) {
      const m = /openat\(AT_FDCWD, "[^"]*data\.mdb", ([^)]*)\) = (\d+)/.exec(line);
      if (m === null) continue;
      (m[1]!.includes('O_DSYNC') ? dsyncFds : dataFds).add(m[2]!);
    }
    expect(dataFds.size).toBeGreaterThan(0);
    expect(dsyncFds.size).toBeGreaterThan(0);
    let started = false;
    let synced = false;
    let metaWritten = false;
    let acks = 0;
    for (const line of lines) {
      if (line.includes('"START\\n"')) started = true;
      if (!started) continue;
      const sync = /fdatasync\((\d+)\)\s+= 0/.exec(line);
      if (sync !== null && dataFds.has(sync[1]!)) synced = true;
      const meta = /pwrite64\((\d+),/.exec(line);
      if (meta !== null && synced && dsyncFds.has(meta[1]!)) metaWritten = true;
      if (line.includes('"ACK ')) {
        expect({ line, synced, metaWritten }).toEqual({ line, synced: true, metaWritten: true });
        acks++;
        synced = false;
        metaWritten = false;
      }
    }
    expect(acks).toBe(10);
  });
});
