import { inspect } from 'node:util';

/** Colours by name, as `util.inspect` knows them (the caller decides whether to colour at all). */
type Style = string;

const styleText = (style: Style | Style[], text: string): string =>
  ([] as Style[]).concat(style).reduceRight((inner, name) => {
    const [open, close] = inspect.colors[name] ?? [39, 39];
    return `\u001b[${open}m${inner}\u001b[${close}m`;
  }, text);

const LEVELS: Record<number, [string, Style | Style[]]> = {
  10: ['TRACE', 'gray'],
  20: ['DEBUG', 'blue'],
  30: ['INFO', 'green'],
  40: ['WARN', 'yellow'],
  50: ['ERROR', 'red'],
  60: ['FATAL', ['bold', 'red']],
};

const APP_STYLES: Record<string, Style> = {
  gateway: 'green',
  identity: 'cyan',
  invitations: 'magenta',
  profiles: 'blue',
  nats: 'gray',
};

/** The widest name, `invitations`, with a replica suffix (`gateway#1`) still lined up. */
const NAME_WIDTH = 12;

interface LogLine {
  level?: number;
  msg?: string;
  context?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; type?: string };
}

const statusStyle = (status: number): Style =>
  status >= 500 ? 'red' : status >= 400 ? 'yellow' : status >= 300 ? 'cyan' : 'green';

/**
 * One of an app's JSON log lines (pino) as a person reads it: the app's name first, then one line
 * per request (`GET /api/users 200 4 ms`) or the level, the context and the message. Anything that
 * is not a JSON log line is shown as it is.
 */
export function readableLogLine(app: string, line: string, colour: boolean): string {
  const paint = (style: Style | Style[], text: string) => (colour ? styleText(style, text) : text);
  const name = paint(APP_STYLES[app.split('#')[0]] ?? 'white', app.padEnd(NAME_WIDTH));
  let entry: LogLine;
  try {
    const parsed: unknown = JSON.parse(line);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return `${name}${line}`;
    entry = parsed as LogLine;
  } catch {
    return `${name}${line}`;
  }
  if (entry.req?.method && entry.res?.statusCode !== undefined) {
    const status = entry.res.statusCode;
    const time = entry.responseTime === undefined ? '' : ` ${paint('gray', `${entry.responseTime} ms`)}`;
    const problem = entry.err?.message ? ` ${paint('red', entry.err.message)}` : '';
    return `${name}${entry.req.method} ${entry.req.url ?? ''} ${paint(statusStyle(status), String(status))}${time}${problem}`;
  }
  const [label, style] = LEVELS[entry.level ?? 30] ?? ['INFO', 'green'];
  const context = entry.context ? `${paint('gray', `[${entry.context}]`)} ` : '';
  const problem =
    entry.err?.message && entry.err.message !== entry.msg ? ` ${paint('red', entry.err.message)}` : '';
  return `${name}${paint(style, label.padEnd(5))} ${context}${entry.msg ?? ''}${problem}`;
}
