export * from './merkle/merkle-tree';
export { MemoryMerkleTree } from './merkle/memory-merkle-tree';
export { verifyConsistency } from './merkle/verify-consistency';
export * from './log/tiles';
export * from './log/log-store.port';
export { InMemoryLogStore } from './log/in-memory.log-store';
export { TransparencyLog, type InclusionProof as LogInclusionProof } from './log/transparency-log';
export {
  KyselyLogStore,
  migrateLogStore,
  type LogStoreDialect,
  type LogTables,
} from './log/kysely.log-store';
export * from './note/note-signer';
export * from './keys/key-ring';
export * from './keys/key-files';
export * from './checkpoint/heads-tree';
export * from './checkpoint/checkpoint';
export * from './checkpoint/checkpoint-events';
export * from './witness/witness';
export * from './bundle/bundle';
export {
  canonicalJson,
  eventHash,
  headLeaf,
  leafHash,
  nodeHash,
  main as verifyBundleMain,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rootFromInclusionProof,
  verifyBundle,
  verifyInclusion,
  type BundleCheck,
  type BundleVerdict,
  type OpenedNote,
  type VerifierKey,
} from './verifier/offline.verifier';
