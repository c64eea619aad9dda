/**
 * Splits what a user types into statements, as the mysql client does: a statement ends at `;`,
 * `\g` or `\G` (vertical output) outside quotes and comments; `\c` clears the statement being
 * typed, `\q` (or `quit`/`exit` at the start of a statement) quits. Quotes (' " `) honour
 * backslash escapes and doubled quotes; `-- `, `#` and `/* … *\/` comments are stripped, as
 * the mysql client does by default, except `/*! … *\/` and `/*+ … *\/` which the server runs.
 * Incremental and pure: feed lines, get events.
 */

/** What a line of input produced. */
export type SplitEvent =
  | { readonly kind: 'statement'; readonly sql: string; readonly vertical: boolean; readonly line: number }
  | { readonly kind: 'quit' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'unknown-command'; readonly command: string };

/** Where the splitter is inside the text: a quote or a block comment left open at line end. */
export type OpenConstruct = "'" | '"' | '`' | '/*' | null;

export class StatementSplitter {
  private buffer = '';
  /** The buffer holds something besides blanks and comments. */
  private hasContent = false;
  private open: OpenConstruct = null;
  /** The open block comment is `/*!` or `/*+`: kept in the text. */
  private keepComment = false;
  private lineNumber = 0;
  /** Line where the statement being typed began (for `ERROR … at line N`). */
  private startLine = 0;

  /** True while a statement is being typed (continuation prompt). */
  get pending(): boolean {
    return this.hasContent || this.open !== null;
  }

  /** The quote or comment left open at the end of the last line. */
  get openConstruct(): OpenConstruct {
    return this.open;
  }

  /** Feeds one line (without its line break). */
  push(line: string): SplitEvent[] {
    this.lineNumber++;
    if (!this.pending && this.open === null && /^\s*(quit|exit)\s*;?\s*$/i.test(line)) return [{ kind: 'quit' }];
    const events: SplitEvent[] = [];
    let i = 0;
    while (i < line.length) {
      i = this.open === null ? this.scanPlain(line, i, events) : this.scanOpen(line, i);
      if (events.at(-1)?.kind === 'quit') return events;
    }
    const inDroppedComment = this.open === '/*' && !this.keepComment;
    if (this.buffer !== '' && !inDroppedComment) this.buffer += '\n';
    return events;
  }

  /** End of input: a last statement without a delimiter still runs (as in mysql's batch mode). */
  finish(): SplitEvent[] {
    const events: SplitEvent[] = [];
    this.emit(events, false);
    this.open = null;
    return events;
  }

  /** Drops the statement being typed (Ctrl-C at the prompt). */
  clear(): void {
    this.reset();
    this.open = null;
  }

  /** Scans outside quotes and comments from `i`; returns the next index. */
  private scanPlain(line: string, i: number, events: SplitEvent[]): number {
    const ch = line[i]!;
    const next = line[i + 1];
    if (ch === "'" || ch === '"' || ch === '`') {
      this.open = ch;
      this.append(ch, true);
      return i + 1;
    }
    if (ch === '/' && next === '*') {
      this.open = '/*';
      this.keepComment = line[i + 2] === '!' || line[i + 2] === '+';
      this.append(this.keepComment ? '/*' : ' ', this.keepComment);
      return i + 2;
    }
    if (ch === '#' || (ch === '-' && next === '-' && (i + 2 >= line.length || /\s/.test(line[i + 2]!)))) {
      return line.length; // a line comment is dropped
    }
    if (ch === ';') {
      this.emit(events, false);
      return i + 1;
    }
    if (ch === '\\' && next !== undefined) {
      this.backslashCommand(next, events);
      return i + 2;
    }
    this.append(ch, !/\s/.test(ch));
    return i + 1;
  }

  /** Scans inside an open quote or block comment from `i`; returns the next index. */
  private scanOpen(line: string, i: number): number {
    const ch = line[i]!;
    if (this.open === '/*') {
      if (ch === '*' && line[i + 1] === '/') {
        if (this.keepComment) this.append('*/', false);
        this.open = null;
        return i + 2;
      }
      if (this.keepComment) this.append(ch, false);
      return i + 1;
    }
    if (ch === '\\' && this.open !== '`' && i + 1 < line.length) {
      this.append(ch + line[i + 1]!, true);
      return i + 2;
    }
    if (ch === this.open) this.open = null;
    this.append(ch, true);
    return i + 1;
  }

  private backslashCommand(letter: string, events: SplitEvent[]): void {
    switch (letter) {
      case 'G':
        this.emit(events, true);
        return;
      case 'g':
        this.emit(events, false);
        return;
      case 'c':
        this.reset();
        events.push({ kind: 'clear' });
        return;
      case 'q':
        events.push({ kind: 'quit' });
        return;
      default:
        events.push({ kind: 'unknown-command', command: '\\' + letter });
    }
  }

  private append(text: string, content: boolean): void {
    if (!this.hasContent && content) this.startLine = this.lineNumber;
    this.buffer += text;
    this.hasContent ||= content;
  }

  private emit(events: SplitEvent[], vertical: boolean): void {
    const sql = this.buffer.trim();
    if (this.hasContent && sql !== '') events.push({ kind: 'statement', sql, vertical, line: this.startLine });
    this.reset();
  }

  private reset(): void {
    this.buffer = '';
    this.hasContent = false;
  }
}
