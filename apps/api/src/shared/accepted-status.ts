import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { isAccepted } from '../commands/execute-command';

/** Replies whose command was recorded as a proposal, not applied. */
const ACCEPTED_REPLIES = new WeakSet<object>();

/**
 * A command that became a proposal answers 202 Accepted. Nest sets a route's own status code
 * (`@HttpCode`) when it sends the body, after interceptors ran, so the status is changed in
 * Fastify's `onSend`, which runs after that (`acceptedStatusHook`).
 */
@Injectable()
export class AcceptedStatusInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        if (isAccepted(body))
          ACCEPTED_REPLIES.add(context.switchToHttp().getResponse<FastifyReply>());
        return body;
      }),
    );
  }
}

export function acceptedStatusHook(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (ACCEPTED_REPLIES.has(reply) && reply.statusCode < 300) void reply.code(202);
    return payload;
  });
}
