/**
 * Statement templates for the plan cache (sql/DESIGN.md, "Plan cache"). A template is the
 * syntax tree of a statement parsed once with a distinct *sentinel* literal in every slot that
 * `parameterize` lifted; instantiating it puts the literals of another text with the same key
 * back in. The planner then sees exactly the tree a fresh parse of that text would give —
 * literals stay literals (ORDER BY 1 is still a position, LIMIT 10 still a constant) — so a
 * cache hit cannot change types, column names or results.
 *
 * Why sentinels rather than parameter nodes: the grammar and the converter are not ours to
 * audit for every place a literal matters; a sentinel either comes back as exactly one literal
 * node (or inside text such as a select item's name) or the template is refused. The cache also
 * checks, once, that the template instantiated with the actual literals equals the fresh parse.
 */
import type { LiteralSlot, SlotKind } from '../parser/lexer.js';
import type { ParsedStatement } from '../parser/parse.js';

/** Integer sentinels have 15 digits: the same width as the widest integer slot, below 2^53. */
const intSentinelBase = 917_000_000_000_000n;
const intSentinelBaseNumber = 917_000_000_000_000;
const intSentinelLimitNumber = 918_000_000_000_000;
/** A string sentinel: control characters keep it from meeting user text. */
const stringSentinel = (slot: number): string => `\u0001atoll${slot}\u0001`;
const sentinelInText = /'\u0001atoll(\d+)\u0001'|\u0001atoll(\d+)\u0001|(?<![0-9])917(\d{12})(?![0-9])/g;

/** Source text of the sentinel for slot `slot` of `kind`. */
export function sentinelSource(kind: SlotKind, slot: number): string {
  return kind === 'int' ? (intSentinelBase + BigInt(slot)).toString() : `'${stringSentinel(slot)}'`;
}

/** `text` with each slot's literal replaced by its sentinel. */
export function sentinelText(text: string, slots: readonly LiteralSlot[]): string {
  const parts: string[] = [];
  let last = 0;
  slots.forEach((s, i) => {
    parts.push(text.slice(last, s.start), sentinelSource(s.kind, i));
    last = s.end;
  });
  parts.push(text.slice(last));
  return parts.join('');
}

/** A piece of templated text: fixed, or a slot as written ('source') or as its value ('value'). */
type TextPart = string | { readonly slot: number; readonly form: 'source' | 'value' };

/** How to rebuild one node of the tree from the template and the slots. */
type Patch =
  | { readonly kind: 'literal'; readonly slot: number }
  | { readonly kind: 'text'; readonly parts: readonly TextPart[] }
  | { readonly kind: 'node'; readonly template: object; readonly array: boolean; readonly fields: readonly (readonly [string, Patch])[] };

/** A parsed statement with holes where its literals go. */
export interface StatementTemplate {
  readonly parsed: ParsedStatement;
  readonly kinds: readonly SlotKind[];
  /** Null when the statement has no slots (instantiation returns `parsed` itself). */
  readonly patch: Patch | null;
}

class TemplateRefused {}

/**
 * Builds a template from the parse of the sentinel text, or returns undefined when a sentinel
 * did not come back as exactly one literal of its kind (it became a type argument, an alias,
 * part of a hand-parsed statement …): such statements are parsed every time.
 */
export function buildTemplate(sentinelParsed: ParsedStatement, kinds: readonly SlotKind[]): StatementTemplate | undefined {
  const found = new Array<number>(kinds.length).fill(0);
  let patch: Patch | null;
  try {
    patch = walk(sentinelParsed, kinds, found);
  } catch (e) {
    if (e instanceof TemplateRefused) return undefined;
    throw e;
  }
  if (found.some((n) => n !== 1)) return undefined;
  return { parsed: sentinelParsed, kinds, patch };
}

function sentinelSlot(v: bigint | number | string, kinds: readonly SlotKind[]): number | undefined {
  if (typeof v === 'bigint') {
    const slot = v - intSentinelBase;
    return slot >= 0n && slot < BigInt(kinds.length) && kinds[Number(slot)] === 'int' ? Number(slot) : undefined;
  }
  if (typeof v === 'string') {
    const m = /^\u0001atoll(\d+)\u0001$/.exec(v);
    const slot = m === null ? undefined : Number(m[1]);
    return slot !== undefined && kinds[slot] === 'string' ? slot : undefined;
  }
  return undefined;
}

function walk(v: unknown, kinds: readonly SlotKind[], found: number[]): Patch | null {
  if (typeof v === 'string') return textPatch(v, kinds);
  if (typeof v === 'bigint') {
    if (v >= intSentinelBase && v < intSentinelBase + 1_000_000_000_000n) throw new TemplateRefused();
    return null;
  }
  if (typeof v === 'number') {
    if (v >= intSentinelBaseNumber && v < intSentinelLimitNumber) throw new TemplateRefused();
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const node = v as Record<string, unknown>;
  if (node['kind'] === 'literal') {
    const lit = node['literal'] as { kind: string; value?: unknown };
    if ((lit.kind === 'int' && typeof lit.value === 'bigint') || (lit.kind === 'string' && typeof lit.value === 'string')) {
      const slot = sentinelSlot(lit.value, kinds);
      if (slot !== undefined) {
        found[slot]!++;
        return { kind: 'literal', slot };
      }
    }
  }
  const fields: [string, Patch][] = [];
  for (const key of Object.keys(node)) {
    const p = walk(node[key], kinds, found);
    if (p !== null) fields.push([key, p]);
  }
  return fields.length === 0 ? null : { kind: 'node', template: node, array: Array.isArray(v), fields };
}

function textPatch(s: string, kinds: readonly SlotKind[]): Patch | null {
  if (!s.includes('\u0001') && !s.includes('917')) return null;
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of s.matchAll(sentinelInText)) {
    const slot = Number(m[1] ?? m[2] ?? m[3]);
    const kind = m[3] !== undefined ? 'int' : 'string';
    if (kinds[slot] !== kind) throw new TemplateRefused();
    parts.push(s.slice(last, m.index), { slot, form: m[2] !== undefined ? 'value' : 'source' });
    last = m.index + m[0].length;
  }
  if (parts.length === 0) return null;
  parts.push(s.slice(last));
  return { kind: 'text', parts };
}

/** The statement of `template` with the literals of `slots` (same kinds, same order). */
export function instantiate(template: StatementTemplate, slots: readonly LiteralSlot[]): ParsedStatement {
  if (template.patch === null) return template.parsed;
  return apply(template.patch, slots) as ParsedStatement;
}

function apply(patch: Patch, slots: readonly LiteralSlot[]): unknown {
  switch (patch.kind) {
    case 'literal': {
      const s = slots[patch.slot]!;
      return { kind: 'literal', literal: s.kind === 'int' ? { kind: 'int', value: s.value } : { kind: 'string', value: s.value } };
    }
    case 'text': {
      let out = '';
      for (const p of patch.parts) {
        if (typeof p === 'string') out += p;
        else out += p.form === 'source' ? slots[p.slot]!.source : String(slots[p.slot]!.value);
      }
      return out;
    }
    case 'node': {
      const copy: Record<string, unknown> = patch.array ? (patch.template as unknown[]).slice() as unknown as Record<string, unknown> : { ...patch.template };
      for (const [key, child] of patch.fields) copy[key] = apply(child, slots);
      return copy;
    }
  }
}

/** Structural equality of two syntax trees (objects, arrays, bigints, strings …). */
export function sameTree(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameTree((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
