/**
 * Proves a backup and restore with the stock tools against a real `atoll demo` process: the
 * `mariadb-dump` from Debian dumps a schema with a foreign key whose child table sorts before
 * its parent, awkward values, a unique key, a view and a trigger — with its defaults (LOCK TABLES … READ, the
 * dump's executable comments, ALTER TABLE … DISABLE KEYS, LOCK TABLES … WRITE in the output)
 * and with --single-transaction (savepoints, UNLOCK TABLES) — and the `mariadb` client
 * restores each dump into a fresh database with the same rows, definitions and working
 * foreign key. CI installs both binaries (mariadb-client).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeBasePort, startNodeProcess, type NodeProcess } from './node-process.js';

const schema = `
CREATE DATABASE shop;
USE shop;
CREATE TABLE parent (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, bal DECIMAL(12,2), UNIQUE KEY u_name (name));
CREATE TABLE a_child (id INT PRIMARY KEY AUTO_INCREMENT, pid INT, note TEXT, at DATETIME, FOREIGN KEY (pid) REFERENCES parent (id) ON DELETE CASCADE);
INSERT INTO parent VALUES (1, 'o''brien', 10.50), (2, 'tab\\there', -0.01), (3, 'ünï ✓', NULL);
INSERT INTO a_child (pid, note, at) VALUES (1, 'semi;colon /* not a comment */', '2024-02-29 12:34:56'), (2, NULL, NULL), (NULL, 'back\\\\slash', '1999-12-31 23:59:59');
CREATE VIEW rich AS SELECT id, name, bal * 2 AS twice FROM parent WHERE bal > 0;
CREATE TRIGGER before_parent BEFORE INSERT ON parent FOR EACH ROW BEGIN END;
`;

function client(port: number, args: readonly string[], input?: string): string {
  return execFileSync('/usr/bin/mariadb', ['--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '--ssl=0', ...args], { input, encoding: 'utf8', timeout: 30_000 });
}

function dump(port: number, args: readonly string[]): string {
  return execFileSync('/usr/bin/mariadb-dump', ['--no-defaults', '-h', '127.0.0.1', '-P', String(port), '-u', 'root', '--ssl=0', ...args, 'shop'], { encoding: 'utf8', timeout: 30_000 });
}

/** Everything a restore must bring back, as the client prints it. */
function contents(port: number, db: string): string {
  return client(port, ['--batch', db, '-e', [
    'SELECT * FROM parent ORDER BY id', 'SELECT * FROM a_child ORDER BY id', 'SHOW CREATE TABLE parent', 'SHOW CREATE TABLE a_child',
    'SELECT * FROM rich ORDER BY id', 'SHOW CREATE VIEW rich', 'SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1',
    'SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()',
  ].join('; ')]);
}

describe('mariadb-dump and restore', () => {
  let dataDir: string;
  let node: NodeProcess;
  let port: number;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'atoll-dump-'));
    port = await freeBasePort();
    node = await startNodeProcess(dataDir, port);
    client(port, [], schema);
  });

  afterAll(async () => {
    await node?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    ['defaults', []],
    ['--single-transaction', ['--single-transaction']],
  ])('round-trips a database dumped with %s', (name, args) => {
    const text = dump(port, args);
    expect(text).toContain('CONSTRAINT `a_child_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `parent` (`id`) ON DELETE CASCADE');
    if (name === 'defaults') expect(text).toContain('LOCK TABLES `a_child` WRITE;');
    const copy = `copy_${name === 'defaults' ? 'a' : 'b'}`;
    client(port, ['-e', `CREATE DATABASE ${copy}`]);
    client(port, [copy], text);
    expect(contents(port, copy)).toBe(contents(port, 'shop'));
    // The restored key works: FOREIGN_KEY_CHECKS came back on after the dump's own SET.
    client(port, [copy, '-e', 'DELETE FROM parent WHERE id = 1']);
    expect(client(port, ['--batch', '--skip-column-names', copy, '-e', 'SELECT COUNT(*), @@foreign_key_checks FROM a_child'])).toBe('2\t1\n');
  });
});
