import { createInterface } from 'node:readline';
import { Readable, Writable } from 'node:stream';
import { CliError } from './cli-error';
import { jsonLine } from './json-line';

/** The input stream as the terminal needs it (process.stdin, or a fake one in tests). */
export type TerminalInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export interface TerminalStreams {
  input: TerminalInput;
  output: Writable;
  errors: Writable;
}

export const TERMINAL_STREAMS = Symbol('TERMINAL_STREAMS');

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/**
 * What the commands print and ask. On a terminal the questions are asked like Label Studio does
 * (`Username: `, a hidden `New password:`); when stdin is not a terminal (a script, a pipe) each
 * answer is the next line of stdin, without a prompt, so `echo "$PW" | label-studio reset_password
 * --username U` works and no password needs to be on the command line.
 */
export class Terminal {
  private lines?: AsyncIterator<string>;
  private json = false;

  constructor(private readonly streams: TerminalStreams) {}

  get interactive(): boolean {
    return this.streams.input.isTTY === true;
  }

  out(line: string): void {
    this.streams.output.write(`${line}\n`);
  }

  /** `--json`: results are printed as one JSON object per line instead of text. */
  printJson(on: boolean): void {
    this.json = on;
  }

  /** A command's result: the text for people, or (with `--json`) the data as one JSON line. */
  result(text: string, data: Record<string, unknown>): void {
    this.out(this.json ? jsonLine(data) : text);
  }

  err(line: string): void {
    this.streams.errors.write(`${line}\n`);
  }

  async ask(question: string): Promise<string> {
    if (!this.interactive) return this.nextLine();
    this.streams.output.write(question);
    return this.nextLine();
  }

  async askHidden(question: string): Promise<string> {
    if (!this.interactive || !this.streams.input.setRawMode) return this.nextLine();
    this.streams.output.write(question);
    return this.readHidden();
  }

  /** The next line of input; an input that has ended answers an empty string. */
  private async nextLine(): Promise<string> {
    this.lines ??= createInterface({ input: this.streams.input, terminal: false })[Symbol.asyncIterator]();
    const next = await this.lines.next();
    return next.done ? '' : next.value;
  }

  /** Reads a line with echo off, character by character (what getpass does). */
  private readHidden(): Promise<string> {
    const input = this.streams.input;
    return new Promise((resolve, reject) => {
      let value = '';
      const finish = (error?: CliError) => {
        input.off('data', onData);
        input.setRawMode?.(false);
        input.pause();
        this.streams.output.write('\n');
        if (error) reject(error);
        else resolve(value);
      };
      const onData = (chunk: Buffer | string) => {
        for (const char of chunk.toString()) {
          if (ENTER.has(char) || (char === CTRL_D && value === '')) return finish();
          if (char === CTRL_C) return finish(new CliError('Interrupted', 130));
          if (BACKSPACE.has(char)) value = [...value].slice(0, -1).join('');
          else if (char >= ' ') value += char;
        }
      };
      input.setRawMode?.(true);
      input.on('data', onData);
      input.resume();
    });
  }
}
