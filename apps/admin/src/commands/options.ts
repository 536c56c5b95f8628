/** `--json` of every command that prints a result. */
export const JSON_OPTION = {
  flags: '--json',
  description: 'print the result as one JSON object, for scripts',
};

/** Label Studio's `--username` is the account's email. */
export const USERNAME_HELP = "the user's email (Label Studio's --username)";
