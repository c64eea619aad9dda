/** Finds the sqllogictest scripts to run: files as given, folders searched recursively for `*.test`. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The scripts under `paths`, in order: each path in turn; a folder contributes all its
 * `*.test` files at any depth, sorted by path. Rejects when a path does not exist.
 */
export async function collectSltFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((error: unknown) => {
      throw new Error(`no such test file or folder: ${path}`, { cause: error });
    });
    if (info.isDirectory()) files.push(...(await testFilesUnder(path)).sort(comparePaths));
    else files.push(path);
  }
  return files;
}

async function testFilesUnder(folder: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await testFilesUnder(path)));
    else if (entry.isFile() && entry.name.endsWith('.test')) found.push(path);
  }
  return found;
}

function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
