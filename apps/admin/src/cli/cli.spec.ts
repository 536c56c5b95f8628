import { PassThrough } from 'node:stream';
import { CliError, failureLine } from './cli-error';
import { jsonLine } from './json-line';
import { Terminal, TerminalInput } from './terminal';

describe('jsonLine (Python json.dumps spacing, still JSON)', () => {
  it('prints Label Studio’s unknown-user line exactly', () => {
    expect(jsonLine({ status: 'error', message: "user x doesn't exist" })).toBe(
      `{"status": "error", "message": "user x doesn't exist"}`,
    );
  });

  it('nests objects and arrays, keeps key order, and round-trips through JSON.parse', () => {
    const value = {
      id: 1,
      meta: { title: 'Label Studio', email: '' },
      list: [1, 'a', null],
      flag: false,
      none: null,
    };
    const line = jsonLine(value);
    expect(line).toBe(
      '{"id": 1, "meta": {"title": "Label Studio", "email": ""}, "list": [1, "a", null], "flag": false, "none": null}',
    );
    expect(JSON.parse(line)).toEqual(value);
  });

  it('escapes what would break the line (quotes, newlines, control characters)', () => {
    const odd = 'a"b\nc\u0000d\u2028e';
    const line = jsonLine({ message: odd });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ message: odd });
  });
});

describe('failureLine', () => {
  it('prints a CliError as it is, with its exit status', () => {
    expect(failureLine(new CliError('User with username x not found'))).toEqual({
      line: 'User with username x not found',
      exitCode: 1,
    });
    expect(failureLine(new CliError('Interrupted', 130)).exitCode).toBe(130);
  });

  it('reduces anything else to one line without a stack', () => {
    const error = new Error('boom\n    at secret (/srv/app.js:1:1)');
    expect(failureLine(error)).toEqual({ line: 'error: boom', exitCode: 1 });
    expect(failureLine('text')).toEqual({ line: 'error: text', exitCode: 1 });
  });
});

function terminalWith(options: { tty: boolean }) {
  const input = new PassThrough() as PassThrough & TerminalInput;
  const rawModes: boolean[] = [];
  if (options.tty) {
    input.isTTY = true;
    input.setRawMode = (raw: boolean) => rawModes.push(raw);
  }
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const terminal = new Terminal({ input, output, errors: output });
  return { terminal, input, rawModes, printed: () => printed };
}

describe('Terminal', () => {
  it('reads answers from stdin line by line, without prompts, when it is not a terminal', async () => {
    const { terminal, input, printed } = terminalWith({ tty: false });
    input.end('ann@example.com\nNew-Pass-123\n');
    await expect(terminal.ask('Username: ')).resolves.toBe('ann@example.com');
    await expect(terminal.askHidden('New password:')).resolves.toBe('New-Pass-123');
    await expect(terminal.askHidden('New password:')).resolves.toBe('');
    expect(printed()).toBe('');
  });

  it('reads a last line without a newline', async () => {
    const { terminal, input } = terminalWith({ tty: false });
    input.end('pw-without-newline');
    await expect(terminal.askHidden('New password:')).resolves.toBe('pw-without-newline');
  });

  it('asks on a terminal, with the password hidden (raw mode, no echo, backspace works)', async () => {
    const { terminal, input, rawModes, printed } = terminalWith({ tty: true });
    const answer = terminal.askHidden('New password:');
    input.write('secreX');
    input.write('\u007ft\r');
    await expect(answer).resolves.toBe('secret');
    expect(printed()).toBe('New password:\n');
    expect(rawModes).toEqual([true, false]);
  });

  it('prints the visible question and reads the line', async () => {
    const { terminal, input, printed } = terminalWith({ tty: true });
    const answer = terminal.ask('Username: ');
    input.write('ann@example.com\n');
    await expect(answer).resolves.toBe('ann@example.com');
    expect(printed()).toBe('Username: ');
  });

  it('stops on Ctrl-C with status 130', async () => {
    const { terminal, input, rawModes } = terminalWith({ tty: true });
    const answer = terminal.askHidden('New password:');
    input.write('abc\u0003');
    await expect(answer).rejects.toMatchObject({ exitCode: 130 });
    expect(rawModes).toEqual([true, false]);
  });
});
