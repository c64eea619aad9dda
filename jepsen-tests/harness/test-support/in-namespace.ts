/**
 * Test helper: a TCP connect attempt made from inside a node's namespace (bash's /dev/tcp under
 * `timeout`), so tests can observe what one node sees of another.
 */
import { runCommand } from '../exec.js';

/** open (connected), refused, or timeout (no answer within `timeoutS`). */
export async function probeFromNamespace(namespace: string, host: string, port: number, timeoutS = 2): Promise<'open' | 'refused' | 'timeout'> {
  try {
    await runCommand('ip', ['netns', 'exec', namespace, 'timeout', String(timeoutS), 'bash', '-c', `exec 3<>/dev/tcp/${host}/${port}`], (timeoutS + 5) * 1000);
    return 'open';
  } catch (error) {
    const code = ((error as { cause?: { code?: unknown } }).cause?.code ?? null) as number | null;
    return code === 124 ? 'timeout' : 'refused';
  }
}
