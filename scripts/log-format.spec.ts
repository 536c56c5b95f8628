import { readableLogLine } from './log-format';

describe('readable log lines (npm run stack)', () => {
  it('prints a request as one line: app first, method, path, status, time', () => {
    const line = JSON.stringify({
      level: 30,
      name: 'gateway',
      req: { id: 'r1', method: 'GET', url: '/api/current-user/whoami', headers: { cookie: 'x' } },
      res: { statusCode: 200 },
      responseTime: 4,
      msg: 'request completed',
    });
    expect(readableLogLine('gateway', line, false)).toBe('gateway     GET /api/current-user/whoami 200 4 ms');
  });

  it('prints other lines with their level, context and message, and an error’s message', () => {
    expect(
      readableLogLine(
        'identity',
        JSON.stringify({ level: 40, context: 'OutboxRelay', msg: 'paused' }),
        false,
      ),
    ).toBe('identity    WARN  [OutboxRelay] paused');
    expect(
      readableLogLine(
        'profiles',
        JSON.stringify({ level: 50, msg: 'upload failed', err: { message: 'S3 down' } }),
        false,
      ),
    ).toBe('profiles    ERROR upload failed S3 down');
  });

  it('shows what is not a JSON log line as it is, and colours only when asked', () => {
    expect(readableLogLine('invitations', 'plain text', false)).toBe('invitations plain text');
    expect(readableLogLine('gateway#1', '[1, 2]', false)).toBe('gateway#1   [1, 2]');
    const coloured = readableLogLine('gateway', JSON.stringify({ level: 30, msg: 'ready' }), true);
    expect(coloured).toContain('\u001b[');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe('gateway     INFO  ready');
  });
});
