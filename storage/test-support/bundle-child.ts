/**
 * Bundles a TypeScript child-process entry into one .mjs (esbuild, which vitest ships) so a
 * test can run it with plain `node` on Node 20; packages such as lmdb stay external and
 * resolve through a node_modules link beside the bundle.
 */
import { symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

/** Bundles `entry` (repo-relative) into `dir`; returns the .mjs path. */
export async function bundleChild(entry: string, dir: string): Promise<string> {
  const outfile = join(dir, entry.replace(/.*\//, '').replace(/\.ts$/, '.mjs'));
  try {
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'), 'dir');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}
