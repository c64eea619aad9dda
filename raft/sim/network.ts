/**
 * The simulated network: per-message drop, duplication and random delay (which reorders),
 * and partitions expressed as a set of blocked directed links. Decisions draw from the
 * simulation's seeded Random only.
 */
import type { Random } from '../../src/base/clock.js';
import type { NodeId } from '../../src/base/ids.js';

/** Message-level faults applied to every link. */
export interface LinkFaults {
  /** Probability in [0, 1) that a message is lost. */
  readonly dropRate: number;
  /** Probability in [0, 1) that a message is delivered twice. */
  readonly duplicateRate: number;
  /** Delivery delay range in virtual time units; a wide range reorders messages. */
  readonly delayMin: number;
  readonly delayMax: number;
}

/** A healthy network: no loss, no duplicates, short delays. */
export const HEALTHY_LINKS: LinkFaults = { dropRate: 0, duplicateRate: 0, delayMin: 1, delayMax: 3 };

/** Which directed links are cut, and what every message suffers. */
export class SimNetwork {
  faults: LinkFaults = HEALTHY_LINKS;
  private readonly blocked = new Set<string>();

  constructor(private readonly random: Random) {}

  /** True when a message from `from` can reach `to` now. */
  canDeliver(from: NodeId, to: NodeId): boolean {
    return !this.blocked.has(`${from}>${to}`);
  }

  /** Delays of each copy of a message about to be sent; empty when it is dropped. */
  plan(): number[] {
    const f = this.faults;
    if (this.random.next() < f.dropRate) return [];
    const delay = (): number => f.delayMin + this.random.int(f.delayMax - f.delayMin + 1);
    const copies = [delay()];
    if (this.random.next() < f.duplicateRate) copies.push(delay());
    return copies;
  }

  /** Cuts every link between different groups, both ways. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    for (let g = 0; g < groups.length; g++) {
      for (let h = 0; h < groups.length; h++) {
        if (g === h) continue;
        for (const a of groups[g]!) for (const b of groups[h]!) this.blocked.add(`${a}>${b}`);
      }
    }
  }

  /** Cuts the link from `from` to `to` only. */
  blockOneWay(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  /** Each node reaches only its two neighbours on a ring (so no node sees a full majority directly). */
  ring(nodes: readonly NodeId[]): void {
    const n = nodes.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const distance = Math.min((i - j + n) % n, (j - i + n) % n);
        if (distance > 1) this.blocked.add(`${nodes[i]}>${nodes[j]}`);
      }
    }
  }

  /** Restores every link (message faults stay as set). */
  heal(): void {
    this.blocked.clear();
  }

  /** Blocked links, for traces. */
  describe(): string {
    return this.blocked.size === 0 ? 'none' : [...this.blocked].sort().join(' ');
  }
}
