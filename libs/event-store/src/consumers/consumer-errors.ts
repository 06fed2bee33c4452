/**
 * A checkpoint write carried a lease epoch that is no longer current: another process took the
 * consumer over, so this one must stand down without writing anything more.
 */
export class FencedOffError extends Error {
  constructor(
    readonly consumer: string,
    readonly epoch: number,
  ) {
    super(`consumer ${consumer}: lease epoch ${epoch} is no longer current; standing down`);
    this.name = 'FencedOffError';
  }
}
