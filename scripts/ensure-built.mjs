// Makes a fresh clone runnable with one command: installs dependencies when node_modules is
// missing or older than package.json, and compiles TypeScript when any source is newer than
// the build. Uses only Node's standard library, since it runs before anything is installed.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd) => {
  try {
    execSync(cmd, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    process.stderr.write(`atoll: '${cmd}' failed (its errors are above)\n`);
    process.exit(1);
  }
};
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

const stamp = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(stamp) || mtime(join(root, 'package.json')) > mtime(stamp)) {
  process.stderr.write('atoll: installing dependencies (npm install)…\n');
  run('npm install --no-audit --no-fund');
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') || entry.name === 'tsconfig.json') newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const built = join(root, 'dist', '.build-stamp');
const sourceDirs = ['src', 'sql', 'storage', 'raft', 'bench', 'jepsen-tests'].map((d) => join(root, d)).filter(existsSync);
const newest = Math.max(mtime(join(root, 'tsconfig.json')), ...sourceDirs.map(newestSource));
if (mtime(built) < newest) {
  process.stderr.write('atoll: compiling TypeScript (tsc)…\n');
  run('npx tsc -p tsconfig.json');
  run(`node -e "require('fs').writeFileSync('dist/.build-stamp', String(Date.now()))"`);
}
