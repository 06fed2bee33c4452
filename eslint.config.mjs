import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The domain is pure: no framework, no driver, no other layer.
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'kafkajs', '@kurrent/*', 'better-sqlite3', 'pg', 'kysely', '@app/*', 'fs', 'node:*'] }],
    },
  },
  {
    // The transparency core is a library: no framework, no other layer of the ledger.
    files: ['libs/transparency/src/**/*.ts'],
    ignores: ['libs/transparency/src/**/*.spec.ts', 'libs/transparency/src/testing/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'kafkajs', '@kurrent/*', '@app/*'] }],
    },
  },
  {
    // The offline verifier is read and run by third parties: Node's built-in modules only.
    files: ['libs/transparency/src/verifier/offline.verifier.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!node:)', message: 'the offline verifier imports node: built-ins only' }] }],
    },
  },
);
