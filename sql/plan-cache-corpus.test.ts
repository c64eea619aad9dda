/**
 * Proves, over the shared sqllogictest corpus, that a plan-cache hit gives exactly the syntax
 * tree a fresh parse gives: statements are grouped by their parameterized key; for each key one
 * text builds the template (two sightings) and every other text of that key, looked up as a
 * hit, must equal `parseStatement` of itself (or fail with the same errno). It also shows the
 * cache is useful on real statements: most keys seen more than once get a template. Then a slice of select1 runs
 * through an engine whose cache already holds every statement's template (each query a hit),
 * and passes and fails exactly the records an engine without a cache does.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SqlError } from '../src/base/errors.js';
import { sameTree } from './fast-path/statement-template.js';
import { parameterize, splitStatementTexts, tokenize } from './parser/lexer.js';
import { parseStatement } from './parser/parse.js';
import { PlanCache } from './plan-cache.js';
import { newEngineSession } from './test-support/plan-cache-fixture.js';
import { runSlt } from './test-support/slt-runner.js';

const corpus = (name: string): string => fileURLToPath(new URL(`../../shared/corpora/sqllogictest/${name}`, import.meta.url));

/** The SQL of the first `max` records of a .test file. */
function statementsOf(text: string, max: number): string[] {
  const out: string[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const lines = block.split('\n').filter((l) => !l.startsWith('#'));
    if (!/^(statement|query)\b/.test(lines[0] ?? '')) continue;
    const end = lines.indexOf('----');
    out.push(lines.slice(1, end < 0 ? undefined : end).join('\n'));
    if (out.length >= max) break;
  }
  return out;
}

type Outcome = { tree: unknown } | { errno: number };

function outcome(f: () => unknown): Outcome {
  try {
    return { tree: f() };
  } catch (e) {
    if (e instanceof SqlError) return { errno: e.errno };
    throw e;
  }
}

const files = ['select1.test', 'index/between/1/slt_good_0.test', 'index/in/10/slt_good_0.test', 'index/orderby/10/slt_good_0.test', 'index/commute/10/slt_good_0.test', 'index/delete/10/slt_good_0.test'];

describe('plan cache over the sqllogictest corpus', () => {
  it('instantiates templates into exactly the trees fresh parses give', () => {
    const byKey = new Map<string, string[]>();
    for (const file of files) {
      for (const sql of statementsOf(readFileSync(corpus(file), 'utf8'), file === 'select1.test' ? 1100 : 300)) {
        let s;
        try {
          [s] = splitStatementTexts(sql);
        } catch {
          continue;
        }
        if (s === undefined) continue;
        const key = parameterize(s.text, s.tokens).key;
        const texts = byKey.get(key) ?? [];
        if (texts.length < 3 && !texts.includes(s.text)) texts.push(s.text);
        byKey.set(key, texts);
      }
    }
    let compared = 0;
    let withTemplate = 0;
    let keysWithSlots = 0;
    for (const [key, texts] of byKey) {
      if (!key.includes('\0') || texts.length < 2) continue;
      keysWithSlots++;
      const cache = new PlanCache();
      const first = texts[0]!;
      const primed = outcome(() => cache.lookup(first, tokenize(first)).parsed);
      if ('errno' in primed) continue;
      cache.lookup(first, tokenize(first));
      if (cache.stats.templatesBuilt === 1) withTemplate++;
      for (const text of texts.slice(1)) {
        const hit = outcome(() => cache.lookup(text, tokenize(text)).parsed);
        const fresh = outcome(() => parseStatement(text));
        if ('tree' in hit && 'tree' in fresh) expect(sameTree(hit.tree, fresh.tree), text).toBe(true);
        else expect(hit, text).toEqual(fresh);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(120);
    expect(withTemplate / keysWithSlots, `${withTemplate} of ${keysWithSlots}`).toBeGreaterThan(0.97);
  }, 60_000);

  it('passes the same select1 records with every query a cache hit as without a cache', async () => {
    const text = readFileSync(corpus('select1.test'), 'utf8');
    const slice = text.split(/\n\s*\n/).slice(0, 120).join('\n\n');
    const cached = await newEngineSession(true);
    const plain = await newEngineSession(false);
    for (const sql of statementsOf(slice, 1000)) {
      for (let i = 0; i < 2; i++) {
        try {
          const [s] = splitStatementTexts(sql);
          if (s !== undefined) cached.engine.planCache.lookup(s.text, s.tokens);
        } catch {
          // statements the parser rejects are not cached
        }
      }
    }
    const hitsBefore = cached.engine.planCache.stats.hits;
    const outcomes = [];
    for (const { session } of [cached, plain]) {
      await session.query('CREATE DATABASE slt');
      await session.useDatabase('slt');
      outcomes.push(await runSlt(session, slice));
    }
    const [withCache, without] = outcomes;
    expect(withCache!.passed).toBeGreaterThan(100);
    expect(withCache!.passed).toBe(without!.passed);
    expect(withCache!.failures.map((f) => f.line)).toEqual(without!.failures.map((f) => f.line));
    expect(cached.engine.planCache.stats.hits - hitsBefore).toBeGreaterThan(100);
  }, 60_000);
});
