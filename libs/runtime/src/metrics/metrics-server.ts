import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_CONFIG, type AppConfig } from '../app-config';
import { MetricsRegistry } from './metrics-registry';

/**
 * `GET /metrics` of a process without an HTTP API (the projector), on METRICS_PORT: a port of
 * its own for Prometheus inside the deployment's network, not behind the API's tokens; and
 * `GET /health/live` for liveness probes (the process answers; a standby is live too). Off
 * when METRICS_PORT is unset.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {}

  /** The port listened on (the one chosen by the system when METRICS_PORT=0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.METRICS_PORT === undefined) return;
    const { registry } = this.metrics;
    this.server = createServer((request, response) => {
      const path = request.url?.split('?')[0];
      if (request.method === 'GET' && path === '/health/live') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"up"}');
        return;
      }
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: unknown) => {
          this.logger.warn(`metrics scrape failed: ${String(error)}`);
          response.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.METRICS_PORT, this.config.METRICS_HOST, resolve);
    });
    this.logger.log(`metrics on http://${this.config.METRICS_HOST}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
