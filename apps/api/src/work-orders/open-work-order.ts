import type { CommandOf } from '@app/domain';
import type { CommandBus } from '@nestjs/cqrs';
import type { CommandRequest } from '../commands/command-request';
import type { SubmittedCommand } from '../commands/execute-command';
import { newIdentifier } from '../commands/ids';
import type { CommandResultDto } from '../shared/common.dto';
import type { WorkOrderCreatedDto } from './work-orders.request.dto';

type Opening = CommandOf<'OpenWorkOrder' | 'StartOpenEndedWorkOrder'>;

/**
 * Opens a work order under a new id (derived from the Idempotency-Key when there is one, so a
 * retry names the same order) and answers the id with the JV's version.
 */
export async function openWorkOrder(
  commandBus: CommandBus,
  request: CommandRequest,
  opening: Readonly<{
    type: Opening['type'];
    jointVentureId: string;
    data: Omit<Opening['data'], 'workOrderId'>;
  }>,
  reason: string | undefined,
): Promise<WorkOrderCreatedDto> {
  const { idempotencyKey } = request.conditions;
  const workOrderId = newIdentifier('work-order', request.actor, idempotencyKey);
  const command = { ...opening, data: { ...opening.data, workOrderId } } as SubmittedCommand;
  const outcome: CommandResultDto = await commandBus.execute(request.command(command, reason));
  return { ...outcome, workOrderId };
}
