export * from './merkle/merkle-tree';
export { MemoryMerkleTree } from './merkle/memory-merkle-tree';
export { verifyConsistency } from './merkle/verify-consistency';
