/**
 * One CLI command: its name, its lines of the usage text, and what it does. Each command lives
 * in a file of its own under `commands/`; `main.ts` lists them.
 */
export type CliCommand = Readonly<{
  name: string;
  /** The command's lines of the usage text, the first one naming its arguments. */
  usage: string;
  run(args: string[]): Promise<void>;
}>;
