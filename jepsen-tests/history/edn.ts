/**
 * A small EDN reader, enough for Jepsen, Knossos and Elle histories: maps, vectors, lists,
 * sets, keywords, symbols, strings, characters, numbers (integers, floats, `N`/`M` suffixes,
 * ratios), nil/true/false, comments (`;`, `#_`) and tagged literals (`#inst "…"`,
 * `#jepsen.history.Op{…}`). It reads text into a small tree (`Edn`), and `ednToPlain` turns
 * that tree into JSON-like data: keywords become strings, maps objects, sets arrays.
 */
import { assert } from '../../src/base/assert.js';

/** A keyword such as `:invoke` (name without the colon). */
export class EdnKeyword {
  constructor(readonly name: string) {}
}
/** A symbol other than nil/true/false, such as `...` or `foo/bar`. */
export class EdnSymbol {
  constructor(readonly name: string) {}
}
/** A set literal `#{…}`; items kept in reading order. */
export class EdnSet {
  constructor(readonly items: Edn[]) {}
}
/** A map literal `{…}`; entries kept in reading order (keys may be any EDN value). */
export class EdnMap {
  constructor(readonly entries: Array<[Edn, Edn]>) {}
}
/** A list literal `(…)`; vectors are plain arrays. */
export class EdnList {
  constructor(readonly items: Edn[]) {}
}
/** A tagged literal `#tag value`. */
export class EdnTagged {
  constructor(readonly tag: string, readonly value: Edn) {}
}

/** One EDN value. Vectors are arrays; characters are one-character strings. */
export type Edn = null | boolean | number | string | EdnKeyword | EdnSymbol | EdnSet | EdnMap | EdnList | EdnTagged | Edn[];

/** Thrown on malformed EDN, with the offset where reading stopped. */
export class EdnSyntaxError extends Error {
  override readonly name = 'EdnSyntaxError';
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
  }
}

/** Deepest nesting the reader accepts (histories nest 4–5 deep; this bounds the recursion). */
const ednDepthMax = 200;
const delimiters = new Set(['(', ')', '[', ']', '{', '}', '"', ';', ',']);
const namedChars: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r', backspace: '\b', formfeed: '\f' };

/** Reads every top-level form of `text`. */
export function parseEdnAll(text: string): Edn[] {
  const reader = new EdnReader(text);
  const forms: Edn[] = [];
  for (;;) {
    const form = reader.readForm(0);
    if (form === END) return forms;
    forms.push(form);
  }
}

/** Reads exactly one form from `text`. */
export function parseEdn(text: string): Edn {
  const forms = parseEdnAll(text);
  if (forms.length !== 1) throw new EdnSyntaxError(`expected one form, found ${forms.length}`, 0);
  return forms[0] as Edn;
}

const END = Symbol('end');
const CLOSE = Symbol('close');

class EdnReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  /** Reads one form; END at end of input. A closing bracket here is an error. */
  readForm(depth: number): Edn | typeof END {
    const v = this.readItem(depth);
    if (v === CLOSE) throw new EdnSyntaxError(`unexpected '${this.text[this.pos - 1]}'`, this.pos - 1);
    return v;
  }

  private readItem(depth: number): Edn | typeof END | typeof CLOSE {
    if (depth > ednDepthMax) throw new EdnSyntaxError('nesting too deep', this.pos);
    this.skipSpace();
    if (this.pos >= this.text.length) return END;
    const c = this.text[this.pos] as string;
    switch (c) {
      case '[': this.pos++; return this.readSeq(']', depth);
      case '(': this.pos++; return new EdnList(this.readSeq(')', depth));
      case '{': this.pos++; return this.readMap(depth);
      case ')': case ']': case '}': this.pos++; return CLOSE;
      case '"': this.pos++; return this.readString();
      case '\\': this.pos++; return this.readChar();
      case '#': this.pos++; return this.readDispatch(depth);
      default: return this.readAtom();
    }
  }

  private skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 59 /* ; */) {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (c === 44 /* , */ || c <= 32) {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private readSeq(close: string, depth: number): Edn[] {
    const items: Edn[] = [];
    for (;;) {
      const v = this.readItem(depth + 1);
      if (v === END) throw new EdnSyntaxError(`unterminated collection, expected '${close}'`, this.pos);
      if (v === CLOSE) {
        if (this.text[this.pos - 1] !== close) throw new EdnSyntaxError(`mismatched '${this.text[this.pos - 1]}'`, this.pos - 1);
        return items;
      }
      items.push(v);
    }
  }

  private readMap(depth: number): EdnMap {
    const items = this.readSeq('}', depth);
    if (items.length % 2 !== 0) throw new EdnSyntaxError('map with an odd number of forms', this.pos);
    const entries: Array<[Edn, Edn]> = [];
    for (let i = 0; i < items.length; i += 2) entries.push([items[i] as Edn, items[i + 1] as Edn]);
    return new EdnMap(entries);
  }

  private readDispatch(depth: number): Edn | typeof END | typeof CLOSE {
    const c = this.text[this.pos];
    if (c === '{') {
      this.pos++;
      return new EdnSet(this.readSeq('}', depth));
    }
    if (c === '_') {
      this.pos++;
      const discarded = this.readItem(depth + 1);
      if (discarded === END || discarded === CLOSE) throw new EdnSyntaxError('#_ without a form', this.pos);
      return this.readItem(depth);
    }
    const tag = this.readToken();
    if (tag.length === 0) throw new EdnSyntaxError('bad dispatch character', this.pos);
    const value = this.readItem(depth + 1);
    if (value === END || value === CLOSE) throw new EdnSyntaxError(`tag #${tag} without a value`, this.pos);
    return new EdnTagged(tag, value);
  }

  private readString(): string {
    const t = this.text;
    let out = '';
    let start = this.pos;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '"') {
        out += t.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += t.slice(start, this.pos) + this.readEscape();
        start = this.pos;
      } else {
        this.pos++;
      }
    }
    throw new EdnSyntaxError('unterminated string', this.pos);
  }

  private readEscape(): string {
    const e = this.text[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case '"': return '"';
      case '\\': return '\\';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new EdnSyntaxError('bad \\u escape', this.pos);
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default: throw new EdnSyntaxError(`bad escape \\${e ?? ''}`, this.pos - 1);
    }
  }

  private readChar(): string {
    const token = this.readToken();
    if (token.length === 0) {
      const c = this.text[this.pos];
      if (c === undefined) throw new EdnSyntaxError('character literal at end', this.pos);
      this.pos++;
      return c;
    }
    if (token.length === 1) return token;
    const named = namedChars[token];
    if (named !== undefined) return named;
    if (/^u[0-9a-fA-F]{4}$/.test(token)) return String.fromCharCode(parseInt(token.slice(1), 16));
    throw new EdnSyntaxError(`unknown character \\${token}`, this.pos);
  }

  private readToken(): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length) {
      const c = t[this.pos] as string;
      if (t.charCodeAt(this.pos) <= 32 || delimiters.has(c)) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }

  private readAtom(): Edn {
    const start = this.pos;
    const token = this.readToken();
    if (token.length === 0) throw new EdnSyntaxError(`unexpected '${this.text[start] ?? ''}'`, start);
    if (token[0] === ':') {
      const name = token.replace(/^::?/, '');
      if (name.length === 0) throw new EdnSyntaxError('empty keyword', start);
      return new EdnKeyword(name);
    }
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    const n = readNumber(token);
    if (n !== undefined) return n;
    return new EdnSymbol(token);
  }
}

/** Parses an EDN number token; undefined when `token` is not a number. */
function readNumber(token: string): number | undefined {
  const m = /^([+-]?)(\d+)(N)?$/.exec(token);
  if (m !== null) return Number(token.replace(/N$/, ''));
  if (/^[+-]?\d+\/\d+$/.test(token)) {
    const [a, b] = token.split('/').map(Number) as [number, number];
    return a / b;
  }
  if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+)M?$/.test(token)) return Number(token.replace(/M$/, ''));
  if (token === '##Inf') return Infinity;
  return undefined;
}

/** JSON-like value produced by `ednToPlain`. */
export type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

/**
 * Converts EDN to JSON-like data: keywords and symbols become their names, vectors, lists
 * and sets become arrays, maps become objects (keys stringified), and a tagged literal
 * becomes its value (`#inst "…"` → the string; a record `#x.Op{…}` → the map).
 */
export function ednToPlain(v: Edn): Plain {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(ednToPlain);
  if (v instanceof EdnKeyword || v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnList || v instanceof EdnSet) return v.items.map(ednToPlain);
  if (v instanceof EdnTagged) return ednToPlain(v.value);
  assert(v instanceof EdnMap, 'unknown EDN node');
  const out: { [k: string]: Plain } = {};
  for (const [k, val] of v.entries) out[plainKey(k)] = ednToPlain(val);
  return out;
}

function plainKey(k: Edn): string {
  const p = ednToPlain(k);
  return typeof p === 'string' ? p : JSON.stringify(p);
}
