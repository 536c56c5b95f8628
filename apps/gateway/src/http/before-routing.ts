import { IncomingMessage, Server, ServerResponse } from 'node:http';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * Puts `handler` in front of the application on the HTTP server: it sees every request first and
 * either answers it or passes it on, untouched, to Express (and so to Nest). What it answers does
 * not pay for Express's per-request set-up (request and response prototypes, the router), which
 * is most of the cost of a small answer.
 */
export function answerBeforeRouting(server: Server, handler: Handler): void {
  const listeners = server.listeners('request') as Listener[];
  if (listeners.length !== 1) {
    throw new Error(
      `expected the application as the server's only request listener, found ${listeners.length}`,
    );
  }
  const [application] = listeners;
  server.removeListener('request', application);
  server.on('request', (req: IncomingMessage, res: ServerResponse) =>
    handler(req, res, () => application(req, res)),
  );
}
