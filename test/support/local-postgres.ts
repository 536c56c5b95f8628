import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './nats-server';

const run = promisify(execFile);

/** The machine's PostgreSQL binaries: PG_BIN_DIR, or the newest /usr/lib/postgresql/<n>/bin. */
function binDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error('no PostgreSQL binaries found (set PG_BIN_DIR)');
  return join(root, versions[0], 'bin');
}

/**
 * A PostgreSQL server of the test's own, in a temporary data directory on a free port, so that a
 * fault test can stop, restart and pause it (SIGSTOP of every server process) without touching the
 * machine's server. PostgreSQL refuses to run as root: as root it runs as the `postgres` user.
 */
export class LocalPostgres {
  private constructor(
    private readonly directory: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  static async start(): Promise<LocalPostgres> {
    const directory = mkdtempSync(join(tmpdir(), 'pg-faults-'));
    const bin = binDir();
    const server = new LocalPostgres(directory, await freePort(), bin);
    if (userInfo().uid === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(directory, Number(stdout.trim()), Number(gid.trim()));
    }
    await server.pg('initdb', ['-D', server.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    await server.resume();
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  private get dataDir(): string {
    return join(this.directory, 'data');
  }

  /** Starts (again), on the same port with the same data; resolves when it accepts connections. */
  async resume(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${this.directory}`,
      '-c max_connections=300',
      // Durability against the machine crashing is not what these tests are about.
      '-c fsync=off',
      '-c synchronous_commit=off',
    ].join(' ');
    await this.pg('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.directory, 'log'),
      '-w',
      'start',
    ]);
  }

  /** A clean but immediate stop: sessions are ended, as when the server is restarted. */
  async stop(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
  }

  /** Freezes every server process: connections stay open and nothing answers. */
  async pause(): Promise<void> {
    for (const pid of await this.pids()) process.kill(pid, 'SIGSTOP');
  }

  async unpause(): Promise<void> {
    for (const pid of await this.pids()) process.kill(pid, 'SIGCONT');
  }

  async dispose(): Promise<void> {
    await this.unpause().catch(() => undefined);
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }

  private async pids(): Promise<number[]> {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return [];
    const postmaster = Number(readFileSync(file, 'utf8').split('\n')[0]);
    const { stdout } = await run('pgrep', ['-P', String(postmaster)]).catch(() => ({ stdout: '' }));
    return [postmaster, ...stdout.split('\n').filter(Boolean).map(Number)];
  }

  private async pg(tool: string, args: string[]): Promise<void> {
    const command = join(this.bin, tool);
    if (userInfo().uid === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
    else await run(command, args);
  }
}
