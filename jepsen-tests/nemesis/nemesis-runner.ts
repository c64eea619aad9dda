/**
 * Carries out a schedule: at each window's start it applies the fault, at its end it heals
 * it, and it records both in the history (process "nemesis", f start/stop, the fault as
 * value) so the checkers' and the report's timelines show when the system was under fault.
 * `healAll` undoes every kind of fault at once — the run's final, healed period begins there.
 */
import { assertNever } from '../../src/base/assert.js';
import type { Cluster } from '../harness/cluster.js';
import type { HistoryRecorder } from '../harness/history-recorder.js';
import type { Plain } from '../history/edn.js';
import { realTimeSpec } from './clock.js';
import { describeFault, type Fault, type NemesisWindow } from './fault.js';
import type { LatencyProxy } from './latency-proxy.js';
import { applyLoss, healLoss } from './packet-loss.js';
import { applyGrudge, healPartitions } from './partition.js';

/** What the nemesis acts on. */
export interface NemesisContext {
  readonly cluster: Cluster;
  /** Latency proxies in front of nodes (client → node), by node. */
  readonly proxies: ReadonlyMap<number, LatencyProxy>;
  readonly recorder: HistoryRecorder;
}

/** Applies `fault`. */
export async function applyFault(ctx: NemesisContext, fault: Fault): Promise<void> {
  const { cluster } = ctx;
  switch (fault.kind) {
    case 'partition': return applyGrudge(cluster, fault.grudge);
    case 'loss': return applyLoss(cluster, fault.nodes, fault.probability);
    case 'kill': {
      await Promise.all(fault.nodes.map((n) => cluster.kill(n)));
      return;
    }
    case 'pause': {
      for (const n of fault.nodes) cluster.pause(n);
      return;
    }
    case 'clock': {
      fault.nodes.forEach((n, i) => cluster.setClock(n, fault.specs[i] ?? realTimeSpec));
      return;
    }
    case 'latency': {
      for (const n of fault.nodes) ctx.proxies.get(n)?.setDelay(fault.delayMs);
      return;
    }
    default: assertNever(fault, 'fault');
  }
}

/** Heals `fault` (a killed node is restarted and waited for). */
export async function healFault(ctx: NemesisContext, fault: Fault): Promise<void> {
  const { cluster } = ctx;
  switch (fault.kind) {
    case 'partition': return healPartitions(cluster);
    case 'loss': return healLoss(cluster);
    case 'kill': {
      await Promise.all(fault.nodes.filter((n) => cluster.node(n).state === 'down').map((n) => cluster.startNode(n)));
      return;
    }
    case 'pause': {
      for (const n of fault.nodes) cluster.resume(n);
      return;
    }
    case 'clock': {
      for (const n of fault.nodes) cluster.setClock(n, realTimeSpec);
      return;
    }
    case 'latency': {
      for (const n of fault.nodes) ctx.proxies.get(n)?.setDelay(0);
      return;
    }
    default: assertNever(fault, 'fault');
  }
}

/** Heals everything: network rules, paused and dead nodes, clocks, proxy delays. */
export async function healAll(ctx: NemesisContext, options: { clocks: boolean }): Promise<void> {
  const { cluster } = ctx;
  await healPartitions(cluster);
  await healLoss(cluster);
  for (const node of cluster.nodes) cluster.resume(node.n);
  for (const node of cluster.nodes) if (options.clocks) cluster.setClock(node.n, realTimeSpec);
  for (const proxy of ctx.proxies.values()) proxy.setDelay(0);
  await Promise.all(cluster.nodes.filter((node) => node.state === 'down').map((node) => cluster.startNode(node.n)));
}

/**
 * Runs `windows` (times in ms since the recorder began) until they are over or `stopped()`;
 * returns the errors met (a fault that could not be applied or healed), which fail the run.
 */
export async function runSchedule(ctx: NemesisContext, windows: readonly NemesisWindow[], stopped: () => boolean): Promise<string[]> {
  const errors: string[] = [];
  for (const window of windows) {
    if (!(await sleepUntil(ctx.recorder, window.startMs, stopped))) break;
    const value = faultValue(window.fault);
    ctx.recorder.nemesis('start', value);
    await applyFault(ctx, window.fault).catch((e: unknown) => void errors.push(`apply ${describeFault(window.fault)}: ${String(e)}`));
    await sleepUntil(ctx.recorder, window.endMs, stopped);
    await healFault(ctx, window.fault).catch((e: unknown) => void errors.push(`heal ${describeFault(window.fault)}: ${String(e)}`));
    ctx.recorder.nemesis('stop', value);
  }
  return errors;
}

function faultValue(fault: Fault): Plain {
  return JSON.parse(JSON.stringify({ ...fault, description: describeFault(fault) })) as Plain;
}

/** Sleeps until the recorder's clock reaches `atMs`; false if `stopped()` turned true first. */
async function sleepUntil(recorder: HistoryRecorder, atMs: number, stopped: () => boolean): Promise<boolean> {
  while (recorder.elapsedMs() < atMs) {
    if (stopped()) return false;
    await new Promise((r) => setTimeout(r, Math.min(100, Math.max(1, atMs - recorder.elapsedMs()))));
  }
  return true;
}
