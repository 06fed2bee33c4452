import type { JointVentureCommand } from '@app/domain';
import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandOutcome } from '../ledger/idempotency.store';
import { JointVentureCommandService } from '../ledger/joint-venture-commands.service';
import { LedgerMetrics } from '../metrics/metrics';
import type { CommandEnvelope } from './command-envelope';

type DomainCommand = Omit<JointVentureCommand, 'now'>;

/** The CQRS command every use case sends: a domain command in its envelope. */
export class RecordJointVentureFact extends Command<CommandOutcome> {
  constructor(
    readonly jointVentureId: string,
    readonly command: DomainCommand,
    readonly envelope: CommandEnvelope,
    readonly reason?: string,
  ) {
    super();
  }
}

/** Thin on purpose: the ledger service does load, decide, append. */
@CommandHandler(RecordJointVentureFact)
export class RecordJointVentureFactHandler implements ICommandHandler<RecordJointVentureFact> {
  constructor(
    @Inject(JointVentureCommandService) private readonly commands: JointVentureCommandService,
    private readonly metrics: LedgerMetrics,
  ) {}

  execute({
    jointVentureId,
    command,
    envelope,
    reason,
  }: RecordJointVentureFact): Promise<CommandOutcome> {
    return this.metrics.observe(command.type, () =>
      this.commands.execute({ jointVentureId, command, reason, ...envelope }),
    );
  }
}

/** What controllers call: sends the command and returns the JV's new version. */
@Injectable()
export class CommandSender {
  constructor(private readonly bus: CommandBus) {}

  send(jointVentureId: string, command: DomainCommand, envelope: CommandEnvelope, reason?: string) {
    return this.bus.execute(new RecordJointVentureFact(jointVentureId, command, envelope, reason));
  }
}
