import { Server } from 'node:http';
import { Injectable, Logger } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';

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
  private idle?: () => void;

  get isDraining(): boolean {
    return this.draining;
  }

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    this.active++;
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.active--;
      if (this.active === 0) this.idle?.();
    });
    next();
  };

  async drain(server: Server, graceMs: number): Promise<void> {
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    if (this.active > 0) {
      this.logger.log({ inFlight: this.active }, 'Draining: answering the requests in progress');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
      if (this.active > 0) {
        this.logger.warn({ inFlight: this.active }, 'Grace period over: closing with requests in progress');
      }
    }
    server.closeAllConnections();
  }
}
