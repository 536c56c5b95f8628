/** Label Studio's `--username` is the account's email. */
export const USERNAME_HELP = "the user's email (Label Studio's --username)";
