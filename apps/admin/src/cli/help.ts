/** The part of commander's `Command` and `Option` the help needs (commander is nest-commander's dependency). */
export interface HelpCommand {
  name(): string;
  options: readonly { mandatory: boolean; description: string }[];
  addHelpText(position: 'after', text: string): unknown;
}

/** What every command reads from the environment (the bus settings of the operator's credential). */
export const ENVIRONMENT_HELP = `
Environment:
  NATS_SERVERS            NATS servers, comma-separated (default nats://127.0.0.1:4222; in a
                          checkout where \`npm run stack\` runs, that stack's server)
  NATS_NKEY_SEED[_FILE]   the operator's NATS key (admin.nk of \`npm run nats:credentials\`)
  NATS_TLS_CA_FILE        the CA of the NATS servers' certificates, when they use TLS
  BUS_TIMEOUT_MS          how long to wait for a service (default 5000)
  LABEL_STUDIO_HOST       prefix of avatar URLs in \`user\` (Label Studio's HOST)`;

/** One example per command, shown under its `--help`. */
export const COMMAND_EXAMPLES: Readonly<Record<string, string>> = {
  user: 'label-studio user --username ann@example.com --json | jq .token',
  reset_password: 'echo "$NEW_PASSWORD" | label-studio reset_password --username ann@example.com',
  create_user: 'label-studio create_user --username ann@example.com --user-token "$TOKEN" < password.txt',
  start: 'label-studio start --username ann@example.com',
  list_users: 'label-studio list_users --json | jq ".[].email"',
  deactivate_user: 'label-studio deactivate_user --username ann@example.com',
  activate_user: 'label-studio activate_user --username ann@example.com',
  reset_token: 'label-studio reset_token --username ann@example.com',
  invite_link: 'label-studio invite_link --reset --json',
  labeling_event:
    'label-studio labeling_event project_created --project 7 --organization 1 --title Cats --user 1',
};

/**
 * Marks required options as such and adds the environment and an example under each command's
 * `--help`, so that the help of every command is complete on its own.
 */
export function completeHelp(commands: readonly HelpCommand[]): void {
  for (const command of commands) {
    for (const option of command.options) {
      if (option.mandatory && !option.description.endsWith('(required)')) option.description += ' (required)';
    }
    const example = COMMAND_EXAMPLES[command.name()];
    command.addHelpText('after', `${example ? `\nExample:\n  ${example}\n` : ''}${ENVIRONMENT_HELP}\n`);
  }
}
