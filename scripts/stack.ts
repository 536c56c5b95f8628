/**
 * `npm run stack`: every app as a local process against the PostgreSQL named by the environment
 * (default: the local server) and a NATS server of its own (credentials generated in .stack/nats on
 * first run), gateway on http://127.0.0.1:8080. Ctrl-C stops all.
 */
import { join, resolve } from 'node:path';
import { localStackOptions, Stack } from './stack-runner';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const stack = new Stack({
    ...localStackOptions(root, process.env),
    env: {},
    // Readable lines for people; LOG_FORMAT=json passes the apps' JSON lines through.
    output: process.env.LOG_FORMAT === 'json' ? 'inherit' : 'readable',
    announce: (line) => process.stdout.write(`${line}\n`),
  });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping…\n');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  try {
    await stack.start();
  } catch (error) {
    process.stderr.write(`The stack did not start: ${String(error)}\n`);
    await stack.stop();
    process.exit(1);
  }
  const more = stack.gatewayUrls.length > 1 ? ` (replicas: ${stack.gatewayUrls.join(', ')})` : '';
  process.stdout.write(
    `\nLabel Studio user management is running at ${stack.gatewayUrl}${more}  (Ctrl-C stops it)\n` +
      `Where everything listens: ${join(stack.options.stateDir ?? '.stack', 'ports.json')}\n`,
  );
}

void main();
