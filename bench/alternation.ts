/**
 * Runs a grid of benchmark cells (workload × thread count) on several systems, alternating
 * the systems run by run (A B A B …) so that a drift of the shared machine's speed touches
 * both alike, and turns the per-run records into figures. A system that fails a cell is not
 * run on that cell again (its error is recorded once); a system whose server died is not
 * run again at all.
 */
import { figure, side, type Figure } from './bench-result.js';
import type { Progress } from './progress.js';
import { wasInterrupted } from './processes.js';
import type { SystemUnderTest } from './side-by-side.js';

/** One point of the grid, e.g. oltp_point_select at 8 threads. */
export interface Cell {
  readonly key: string;
  readonly label: string;
}

/** What one run of one cell on one system measured. */
export interface RunRecord {
  readonly cell: string;
  readonly system: string;
  readonly run: number;
  /** Figures by metric name (tps, qps, p95Ms, …); empty when the run failed. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly failure: string | null;
  readonly skipped?: boolean;
  /** Remarks on this run worth reporting (e.g. which errors sysbench ignored). */
  readonly remarks?: readonly string[];
}

/** How a metric of RunRecord.metrics is reported. */
export interface MetricSpec {
  readonly key: string;
  readonly metric: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly headline?: boolean;
}

/** Measures one cell on one system once; must not throw for a failed run (return a failure). */
export type RunOne = (cell: Cell, system: SystemUnderTest, run: number) => Promise<RunRecord>;

/** Runs every cell `runs` times on every system, alternating systems within each run. */
export async function runAlternating(cells: readonly Cell[], runs: number, systems: readonly SystemUnderTest[], progress: Progress, runOne: RunOne): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  const failedCells = new Set<string>();
  for (const cell of cells) {
    for (let run = 1; run <= runs; run++) {
      for (const system of systems) {
        if (wasInterrupted()) return records;
        const key = `${cell.key}\u0000${system.name}`;
        if (!system.alive()) {
          records.push({ cell: cell.key, system: system.name, run, metrics: {}, failure: `${system.name} server exited earlier: ${tail(system.output())}`, skipped: true });
          progress.done(`${cell.label}  run ${run}/${runs}  ${system.name}: skipped (server exited)`);
          continue;
        }
        if (failedCells.has(key)) {
          records.push({ cell: cell.key, system: system.name, run, metrics: {}, failure: null, skipped: true });
          progress.done(`${cell.label}  run ${run}/${runs}  ${system.name}: skipped (failed before)`);
          continue;
        }
        const record = await runOne(cell, system, run);
        const failure = record.failure !== null && !system.alive() ? `${record.failure} (the server exited: ${tail(system.output())})` : record.failure;
        records.push({ ...record, failure });
        if (failure !== null) failedCells.add(key);
        progress.done(`${cell.label}  run ${run}/${runs}  ${system.name.padEnd(7)} ${describe(record.metrics, failure)}`);
      }
    }
  }
  return records;
}

/** Figures for every cell and metric, Atoll's side first and MariaDB's second. */
export function figuresFrom(cells: readonly Cell[], systems: readonly string[], records: readonly RunRecord[], specs: readonly MetricSpec[]): Figure[] {
  const figures: Figure[] = [];
  for (const cell of cells) {
    for (const spec of specs) {
      const sides = systems.map((system) => {
        const mine = records.filter((r) => r.cell === cell.key && r.system === system);
        const samples = mine.filter((r) => r.failure === null && !r.skipped && r.metrics[spec.key] !== undefined).map((r) => r.metrics[spec.key]!);
        const failures = mine.map((r) => r.failure).filter((f): f is string => f !== null);
        return side(system, samples, failures);
      });
      figures.push(figure({ group: cell.label, metric: spec.metric, unit: spec.unit, higherIsBetter: spec.higherIsBetter, headline: spec.headline ?? false }, sides));
    }
  }
  return figures;
}

/** Every run's remarks, prefixed with the system, the cell's label and the run number. */
export function remarksOf(cells: readonly Cell[], records: readonly RunRecord[]): string[] {
  const labels = new Map(cells.map((c) => [c.key, c.label]));
  return records.flatMap((r) => (r.remarks ?? []).map((text) => `${r.system}, ${labels.get(r.cell) ?? r.cell}, run ${r.run}: ${text}`));
}

function describe(metrics: Readonly<Record<string, number>>, failure: string | null): string {
  if (failure !== null) return `FAILED: ${failure.length > 300 ? failure.slice(0, 300) + '…' : failure}`;
  return Object.entries(metrics)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(2)}`)
    .join('  ');
}

function tail(text: string): string {
  const lines = text.trim().split('\n').slice(-3).join(' | ');
  return lines === '' ? 'no output' : lines;
}
