/** The workloads by name, as `--workload` spells them. */
import { bankWorkload } from './bank.js';
import { listAppendWorkload } from './list-append.js';
import { registerWorkload } from './register.js';
import { setWorkload } from './set.js';
import type { Workload, WorkloadName } from './workload.js';

/** Every workload name. */
export const workloadNames: readonly WorkloadName[] = ['register', 'set', 'bank', 'append'];

/** A fresh workload instance of `name`. */
export function createWorkload(name: WorkloadName): Workload {
  switch (name) {
    case 'register': return registerWorkload();
    case 'set': return setWorkload();
    case 'bank': return bankWorkload();
    case 'append': return listAppendWorkload();
  }
}

/** Parses `bank,set` (or `all`); throws on an unknown name. */
export function parseWorkloadNames(text: string): WorkloadName[] {
  if (text === 'all') return [...workloadNames];
  return text.split(',').map((raw) => {
    const name = raw.trim() === 'list-append' ? 'append' : raw.trim();
    const found = workloadNames.find((w) => w === name);
    if (found === undefined) throw new Error(`unknown workload '${raw}' (known: ${workloadNames.join(', ')})`);
    return found;
  });
}
