/**
 * Progress of a benchmark run on stderr: a cli-progress bar on a terminal, and one line per
 * finished run always (printed above the bar on a terminal, plain lines otherwise). The only
 * file that imports `cli-progress`.
 */
import cliProgress from 'cli-progress';

/** Reports progress of a run made of `total` steps. */
export interface Progress {
  /** A line for the reader (a phase starting, a server started). */
  note(line: string): void;
  /** One step finished; `line` says what it measured. */
  done(line: string): void;
  /** Removes the bar; idempotent. */
  stop(): void;
}

/** A progress reporter; the bar is drawn only when stderr is a terminal. */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let count = 0;
  const numbered = (line: string): string => `[${++count}/${total}] ${line}`;
  if (!stream.isTTY || total <= 0) {
    return { note: (line) => stream.write(line + '\n'), done: (line) => stream.write(numbered(line) + '\n'), stop: () => undefined };
  }
  const multi = new cliProgress.MultiBar(
    { stream, format: 'bench [{bar}] {value}/{total} runs | ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, etaBuffer: 4 },
    cliProgress.Presets.shades_classic,
  );
  const bar = multi.create(total, 0);
  let stopped = false;
  const write = (line: string): void => {
    if (stopped) stream.write(line + '\n');
    else multi.log(line + '\n');
  };
  return {
    note: write,
    done: (line) => {
      write(numbered(line));
      bar.increment(1);
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
