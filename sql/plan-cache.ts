/**
 * The plan cache of one SQL engine, shared by all its sessions (sql/DESIGN.md, "Plan cache").
 *
 * - Statements: the lexer lifts literals out of a statement (`parameterize`); the key is the
 *   text with each literal replaced by a marker of its kind. The first sighting of a key is
 *   parsed as usual; the second builds a template (one more parse, with sentinel literals) and
 *   checks that the template filled with that text's literals equals its fresh parse; later
 *   sightings only instantiate the template — node-sql-parser does not run. Bounded LRU.
 * - Table definitions: read from the catalog once and kept until a DDL statement invalidates
 *   them (the schema version), so a point select costs one TxnKv get, not two.
 *
 * A syntax tree does not depend on the catalog, so templates survive DDL; what depends on the
 * catalog (table definitions, fast-path plans) carries the schema version it was built at.
 */
import { assert } from '../src/base/assert.js';
import { limits } from '../src/base/limits.js';
import type { Timestamp } from '../src/base/ids.js';
import type { TableDef } from './catalog.js';
import { buildTemplate, instantiate, sameTree, sentinelText, type StatementTemplate } from './fast-path/statement-template.js';
import { parameterize, type Token } from './parser/lexer.js';
import { parseStatement, type ParsedStatement } from './parser/parse.js';

/** One cached statement key. */
interface Entry {
  /** 'seen' once so far, a usable 'template', or 'refused' (parsed every time). */
  state: 'seen' | 'template' | 'refused';
  template: StatementTemplate | null;
  /** Catalog-dependent artifacts (fast-path plans), each valid at one schema version. */
  readonly extras: Map<string, { readonly version: number; readonly value: unknown }>;
}

/** Counters for tests, EXPLAIN and SHOW STATUS. */
export interface PlanCacheStats {
  hits: number;
  misses: number;
  templatesBuilt: number;
  templatesRefused: number;
  evictions: number;
}

/** What `lookup` returns: the statement and the entry's key (for catalog-dependent extras). */
export interface CachedParse {
  readonly parsed: ParsedStatement;
  /** Null when the statement is not cached (too long, or the cache is disabled). */
  readonly key: string | null;
}

/** The statement and schema caches of one engine. */
export class PlanCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;
  private readonly tables = new Map<string, TableDef>();
  // Invariant: every definition in `tables` was read at or after lastDdlTs, at `version`.
  private version = 0;
  private lastDdlTs = 0n;
  readonly stats: PlanCacheStats = { hits: 0, misses: 0, templatesBuilt: 0, templatesRefused: 0, evictions: 0 };

  constructor(private readonly enabled = true) {}

  /** The current schema version: changes with every DDL statement. */
  get schemaVersion(): number {
    return this.version;
  }

  /**
   * The syntax tree of one statement (`tokens` are `text`'s). Throws what parseStatement throws.
   * Byte-identical to `parseStatement(text)` in everything the planner reads.
   */
  lookup(text: string, tokens: readonly Token[]): CachedParse {
    if (!this.enabled || text.length > limits.planCacheStatementCharsMax) return { parsed: parseStatement(text), key: null };
    const { key, slots } = parameterize(text, tokens);
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      if (entry.state === 'template') {
        this.stats.hits++;
        return { parsed: instantiate(entry.template!, slots), key };
      }
    }
    this.stats.misses++;
    const parsed = parseStatement(text);
    if (entry === undefined) this.insert(key, { state: 'seen', template: null, extras: new Map() });
    else if (entry.state === 'seen') this.tryTemplate(entry, text, slots, parsed);
    return { parsed, key };
  }

  private tryTemplate(entry: Entry, text: string, slots: Parameters<typeof sentinelText>[1], parsed: ParsedStatement): void {
    let template: StatementTemplate | undefined;
    try {
      template = buildTemplate(parseStatement(sentinelText(text, slots)), slots.map((s) => s.kind));
    } catch {
      template = undefined;
    }
    // The template must give back exactly what the parser gave for this text.
    if (template !== undefined && !sameTree(instantiate(template, slots), parsed)) template = undefined;
    if (template === undefined) {
      entry.state = 'refused';
      this.stats.templatesRefused++;
      return;
    }
    entry.state = 'template';
    entry.template = template;
    this.stats.templatesBuilt++;
  }

  private insert(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.chars += key.length;
    while (this.entries.size > limits.planCacheEntriesMax || this.chars > limits.planCacheCharsMax) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
      this.stats.evictions++;
    }
    assert(this.chars >= 0, 'plan cache character count went negative');
  }

  /** A catalog-dependent artifact stored with statement `key` at the current schema version. */
  extra<T>(key: string | null, name: string): T | undefined {
    if (key === null) return undefined;
    const e = this.entries.get(key)?.extras.get(name);
    return e !== undefined && e.version === this.version ? (e.value as T) : undefined;
  }

  /** Stores an artifact built at schema version `version` (dropped if DDL ran since). */
  setExtra(key: string | null, name: string, version: number, value: unknown): void {
    if (key === null || version !== this.version) return;
    this.entries.get(key)?.extras.set(name, { version, value });
  }

  /** Number of cached statement keys. */
  get size(): number {
    return this.entries.size;
  }

  /** A cached table definition, or undefined. */
  table(db: string, name: string): TableDef | undefined {
    return this.tables.get(`${db}.${name}`);
  }

  /**
   * Remembers a definition read by a transaction that started at `startTs` while the schema
   * version was `version`; ignored when a DDL statement ran since or committed after startTs.
   */
  rememberTable(db: string, name: string, def: TableDef, read: { readonly version: number; readonly startTs: Timestamp }): void {
    if (!this.enabled || read.version !== this.version || read.startTs < this.lastDdlTs) return;
    this.tables.set(`${db}.${name}`, def);
  }

  /**
   * Forgets every catalog-dependent artifact. Called by DDL before it commits and again after
   * (with its commit timestamp), so no definition read before the commit survives it.
   */
  invalidateSchema(commitTs: Timestamp | null): void {
    this.version++;
    this.tables.clear();
    if (commitTs !== null && commitTs > this.lastDdlTs) this.lastDdlTs = commitTs;
  }
}
