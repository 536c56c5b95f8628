import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
// The same runner as `npm run stack` (compiled next to the apps in dist/).
import { APPS, localStackOptions, Stack } from '../../../../scripts/stack-runner';
import { CliError } from '../cli/cli-error';
import { Terminal } from '../cli/terminal';
import { STACK_ENVIRONMENT } from '../config';

export interface StartInput {
  username?: string;
  password?: string;
  token?: string;
}

/** The checkout: the nearest folder above this file with a package.json (dist/ has none). */
export function findCheckoutRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new CliError('error: cannot find the checkout (no package.json above)');
  }
}

/**
 * `label-studio start --username U --password P [--user-token T]` from a checkout: every app as a
 * local process, like `npm run stack`. The account is identity's bootstrap account
 * (LABEL_STUDIO_USERNAME / _PASSWORD / _USER_TOKEN, given to identity only), so it exists before
 * the gateway opens. Ctrl-C stops everything.
 */
@Injectable()
export class StartLocalStackUseCase {
  constructor(
    private readonly terminal: Terminal,
    @Inject(STACK_ENVIRONMENT) private readonly env: Record<string, string | undefined>,
  ) {}

  async execute(input: StartInput): Promise<void> {
    if (input.username === undefined && (input.password !== undefined || input.token !== undefined)) {
      throw new CliError('error: --password and --user-token need --username');
    }
    const root = findCheckoutRoot(__dirname);
    const missing = APPS.filter((app) => !existsSync(join(root, 'dist', 'apps', app, 'src', 'main.js')));
    if (missing.length) throw new CliError(`error: ${missing.join(', ')} not built: run npm run build first`);
    const password =
      input.username !== undefined
        ? (input.password ?? (await this.terminal.askHidden(`User password for ${input.username}: `)))
        : undefined;

    const stack = new Stack({
      ...localStackOptions(root, this.env),
      env: {},
      appEnv: {
        identity:
          input.username === undefined
            ? {}
            : {
                LABEL_STUDIO_USERNAME: input.username,
                LABEL_STUDIO_PASSWORD: password,
                LABEL_STUDIO_USER_TOKEN: input.token ?? '',
              },
      },
      output: this.env.LOG_FORMAT === 'json' ? 'inherit' : 'readable',
      announce: (line) => this.terminal.out(line),
    });
    const stopRequested = untilSignal();
    const started = stack.start().then(
      () => true,
      (error: unknown) => error,
    );
    const first = await Promise.race([started, stopRequested.promise.then(() => 'signal' as const)]);
    if (first !== true) {
      this.terminal.err('Stopping…');
      await started;
      await stack.stop();
      stopRequested.dispose();
      if (first === 'signal') return;
      throw new CliError(
        `error: the system did not start: ${String(first instanceof Error ? first.message : first)}`,
      );
    }
    const user = input.username === undefined ? '' : `; log in as ${input.username}`;
    this.terminal.out(`Label Studio is running at ${stack.gatewayUrl}${user}  (Ctrl-C stops it)`);
    await stopRequested.promise;
    this.terminal.err('Stopping…');
    await stack.stop();
    stopRequested.dispose();
  }
}

/** Resolves at the first SIGINT or SIGTERM (the children get Ctrl-C too and shut down gracefully). */
function untilSignal(): { promise: Promise<void>; dispose(): void } {
  let onSignal = () => {};
  const promise = new Promise<void>((resolve) => {
    onSignal = () => resolve();
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
