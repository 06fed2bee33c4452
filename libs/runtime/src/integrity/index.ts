export * from './integrity-finding';
export * from './ledger-verifier';
export * from './stored-checkpoints';
export * from './findings.store';
export * from './integrity-monitor';
export * from './rebuild-verification';
