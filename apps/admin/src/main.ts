#!/usr/bin/env node
import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { ConfigError } from '@app/config';
import { adminModule, PROGRAM_NAME, programVersion } from './admin.module';
import { failureLine } from './cli/cli-error';
import { AdminConfig, loadAdminConfig } from './config';

/**
 * `label-studio`: the operator's commands. It owns no data: every command asks the services over
 * NATS. Every failure is one line on stderr and a non-zero exit status, within BUS_TIMEOUT_MS.
 */
async function main(): Promise<number> {
  let config: AdminConfig;
  try {
    config = loadAdminConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`error: ${error.problems.join('; ')}\n`);
    return 2;
  }
  let exitCode = 0;
  const streams = { input: process.stdin, output: process.stdout, errors: process.stderr };
  await CommandFactory.run(adminModule(config, streams), {
    logger: false,
    cliName: PROGRAM_NAME,
    version: programVersion(),
    // `source <(label-studio completion-script)` in ~/.bashrc or ~/.zshrc completes commands and options.
    completion: { cmd: PROGRAM_NAME, nativeShell: { executablePath: PROGRAM_NAME } },
    // commander has printed its own message (or the help) by now.
    errorHandler: (error) => {
      const status = (error as { exitCode?: unknown }).exitCode;
      process.exit(typeof status === 'number' ? status : 1);
    },
    serviceErrorHandler: (error) => {
      const failure = failureLine(error);
      if (failure.line) process.stderr.write(`${failure.line}\n`);
      exitCode = failure.exitCode;
    },
  });
  return exitCode;
}

main().then(
  // Exit now: a NATS client still trying to connect would otherwise keep the process alive.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${failureLine(error).line}\n`);
    process.exit(1);
  },
);
