/**
 * Last-resort cleanup: whatever the harness creates (namespaces, links, processes) is
 * registered here with a synchronous undo, run when the process exits or is told to stop
 * (SIGINT, SIGTERM, SIGHUP) before the harness's own try/finally got to it. Undo actions must
 * be synchronous, because an 'exit' handler cannot wait.
 */

type Undo = () => void;

const pending = new Map<number, { what: string; undo: Undo }>();
let nextId = 1;
let installed = false;

/** Registers `undo`; returns a function that unregisters it (call once the resource is gone). */
export function onExitUndo(what: string, undo: Undo): () => void {
  install();
  const id = nextId++;
  pending.set(id, { what, undo });
  return () => {
    pending.delete(id);
  };
}

/** Runs every pending undo, newest first; errors are swallowed (best effort). Returns what ran. */
export function runPendingUndos(): string[] {
  const ran: string[] = [];
  for (const [id, { what, undo }] of [...pending.entries()].reverse()) {
    pending.delete(id);
    try {
      undo();
    } catch {
      // best effort: the `cleanup` command removes leftovers by name prefix
    }
    ran.push(what);
  }
  return ran;
}

/** How many undos are registered (tests check that a clean stop leaves none). */
export function pendingUndoCount(): number {
  return pending.size;
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    runPendingUndos();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runPendingUndos();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}
