/**
 * Removes what crashed runs left behind, found by the name prefix `atoll-j-`: processes inside
 * those namespaces (killed), the namespaces, root-namespace links, and temp folders. Nothing
 * without the prefix is touched.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryCommandSync } from './exec.js';
import { resourcePrefix } from './names.js';
import { deleteNamespace } from './netns.js';

/** What `cleanupLeftovers` removed. */
export interface CleanupReport {
  readonly namespaces: string[];
  readonly links: string[];
  readonly folders: string[];
}

/** Namespaces whose name starts with `prefix`. */
export function listNamespaces(prefix = resourcePrefix): string[] {
  const out = tryCommandSync('ip', ['netns', 'list']) ?? '';
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name.startsWith(prefix));
}

/** Root-namespace links whose name starts with `prefix`. */
export function listLinks(prefix = resourcePrefix): string[] {
  const out = tryCommandSync('ip', ['-o', 'link', 'show']) ?? '';
  return out
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
    .filter((name) => name.startsWith(prefix));
}

/** Removes every leftover with `prefix` (namespaces, their processes, links, temp folders). */
export function cleanupLeftovers(prefix = resourcePrefix, options: { folders?: boolean } = {}): CleanupReport {
  const namespaces = listNamespaces(prefix);
  for (const ns of namespaces) deleteNamespace(ns);
  const links = listLinks(prefix);
  for (const link of links) tryCommandSync('ip', ['link', 'del', link]);
  const folders: string[] = [];
  if (options.folders ?? true) {
    for (const entry of readdirSync(tmpdir())) {
      if (!entry.startsWith(prefix)) continue;
      rmSync(join(tmpdir(), entry), { recursive: true, force: true });
      folders.push(entry);
    }
  }
  return { namespaces, links, folders };
}
