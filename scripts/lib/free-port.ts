import { createServer } from 'node:net';

/**
 * A TCP port free on loopback a moment ago, for servers that cannot take port 0 (moto,
 * serverless-offline) and for a URL whose connections are refused once it is closed again.
 *
 * @example
 * const port = await freePort(); // 41237
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
