import { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { Injectable, Logger } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';

/** After the last request, how long keep-alive connections stay open for what is still on its way. */
const QUIET_MS = 500;

/**
 * Graceful shutdown of the HTTP side: on SIGTERM the gateway reports not ready (a load balancer
 * stops sending), takes no new connection, asks keep-alive clients to reconnect elsewhere
 * (`Connection: close` on what still arrives), and answers every request it has before it exits,
 * within the grace period (SHUTDOWN_GRACE_MS).
 */
@Injectable()
export class HttpDrain {
  private readonly logger = new Logger('Shutdown');
  private active = 0;
  private draining = false;
  private lastRequestAt = 0;

  get isDraining(): boolean {
    return this.draining;
  }

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    this.active++;
    this.lastRequestAt = Date.now();
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => this.active--);
    next();
  };

  async drain(server: Server, graceMs: number): Promise<void> {
    this.draining = true;
    // Stop accepting connections, but leave the open keep-alive ones be: a request already on its
    // way on one of them is answered (with `Connection: close`) instead of cut. http.Server#close
    // would also close the idle ones at once, racing a client that is just sending on one.
    NetServer.prototype.close.call(server);
    const deadline = Date.now() + graceMs;
    if (this.active > 0)
      this.logger.log({ inFlight: this.active }, 'Draining: answering the requests in progress');
    // Done when nothing is in progress and nothing has arrived for a moment.
    while (Date.now() < deadline && (this.active > 0 || Date.now() - this.lastRequestAt < QUIET_MS)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (this.active > 0) {
      this.logger.warn({ inFlight: this.active }, 'Grace period over: closing with requests in progress');
    }
    server.closeAllConnections();
  }
}
