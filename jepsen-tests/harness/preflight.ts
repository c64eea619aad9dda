/**
 * Checks that this machine can run the harness, and says precisely what is missing: root
 * (network namespaces and iptables need it), iproute2's `ip`, the `iptables` package, and
 * libfaketime (Debian package `faketime`, which pulls in `libfaketime`).
 */
import { existsSync } from 'node:fs';
import { tryCommandSync } from './exec.js';

/** Which capabilities a run needs. */
export interface Needs {
  readonly netns: boolean;
  readonly iptables: boolean;
  readonly faketime: boolean;
}

/** Where Debian installs libfaketime's multithreaded variant (Node runs several threads). */
export const faketimeLibraryCandidates: readonly string[] = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1',
  '/usr/lib/faketime/libfaketimeMT.so.1',
  '/usr/local/lib/faketime/libfaketimeMT.so.1',
];

/** The libfaketime shared object to LD_PRELOAD, or null when none is installed. */
export function faketimeLibraryPath(): string | null {
  return faketimeLibraryCandidates.find((p) => existsSync(p)) ?? null;
}

/** Problems that stop a run with `needs`; empty when the machine is ready. */
export function missingPrerequisites(needs: Needs): string[] {
  const problems: string[] = [];
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if ((needs.netns || needs.iptables) && !root) problems.push('must run as root (network namespaces and iptables need CAP_NET_ADMIN)');
  if (needs.netns && tryCommandSync('ip', ['-V']) === null) problems.push("'ip' not found: install the Debian package iproute2 (apt-get install -y iproute2)");
  if (needs.iptables && tryCommandSync('iptables', ['--version']) === null) problems.push("'iptables' not found: install the Debian package iptables (apt-get install -y iptables)");
  if (needs.faketime && faketimeLibraryPath() === null) problems.push('libfaketime not found: install the Debian package faketime (apt-get install -y faketime)');
  return problems;
}

/** Throws one error listing every missing prerequisite. */
export function assertPrerequisites(needs: Needs): void {
  const problems = missingPrerequisites(needs);
  if (problems.length > 0) throw new Error(`the Jepsen harness cannot run here:\n  - ${problems.join('\n  - ')}`);
}
