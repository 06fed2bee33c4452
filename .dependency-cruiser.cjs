/**
 * Dependency fences, checked by `npm run lint` after ESLint (issue 8 §5): which part of the code
 * base may import which. Paths are relative to the repository root; `@app/*` aliases resolve
 * through tsconfig.json's `paths`, and type-only imports count (a type circle is still a circle).
 *
 * Violations that today's code already has are listed in .dependency-cruiser-known-violations.json
 * and reported as known; anything new fails the lint. Delete that file once the reshape fixes them.
 * The purity of `libs/domain` lives here too (it was an ESLint rule): one place per rule.
 */

/** Test support that product folders may hold: specs, contract suites, `testing` and `contract` folders. */
const TEST_SUPPORT = ['\\.(spec|contract)\\.ts$', '(^|/)testing(/|\\.ts$)', '(^|/)contract/'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle makes two modules one: neither can be read, tested or moved without the other.',
      severity: 'error',
      from: { path: '^(apps|libs|test)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import that cannot be resolved escapes every rule below (a broken alias would make them pass).',
      severity: 'error',
      from: { path: '^(apps|libs|test)/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'libs-not-to-apps',
      comment: 'Apps wire the libs; a lib that reaches into an app inverts the dependency rule.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'domain-is-pure',
      comment:
        'The domain is pure code: no other lib, no framework or driver, no Node built-in (no I/O). ' +
        'It may import only its own files.',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { pathNot: '^libs/domain/' },
    },
    {
      name: 'event-store-imports-no-lib',
      comment: 'The event store is the bottom layer: it knows events as bytes, not the domain.',
      severity: 'error',
      from: { path: '^libs/(event-store)/' },
      to: { path: '^libs/', pathNot: '^libs/$1/' },
    },
    {
      name: 'consumers-import-domain-and-event-store-only',
      comment:
        'Read models and notifications are consumers of the log: they build on the domain and the ' +
        'event store (and, for the checkpoints they publish, the transparency core), never on ' +
        'each other or on the runtime wiring.',
      severity: 'error',
      from: { path: '^libs/(read-models|notifications)/' },
      to: { path: '^libs/', pathNot: '^libs/($1|domain|event-store|transparency)/' },
    },
    {
      name: 'transparency-imports-no-lib',
      comment:
        'The transparency log is a core of its own (Node built-ins and Kysely): it builds on no ' +
        'other lib, so that the apps wire it and anyone can read it alone. Its tests may.',
      severity: 'error',
      from: { path: '^libs/transparency/', pathNot: TEST_SUPPORT },
      to: { path: '^libs/', pathNot: '^libs/transparency/' },
    },
    {
      name: 'offline-verifier-imports-node-only',
      comment:
        'Third parties read and run the offline verifier on its own: Node built-ins only, no ' +
        'package and no other file of the ledger.',
      severity: 'error',
      from: { path: '^libs/transparency/src/verifier/offline\\.verifier\\.ts$' },
      to: { dependencyTypesNot: ['core'] },
    },
    {
      name: 'apps-not-to-apps',
      comment: 'Each app is a deployable of its own; what two apps share belongs in a lib.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'product-not-to-test',
      comment:
        'The test harness (doubles, fixtures, service starters) never ships: product code may not ' +
        'import from test/. Specs and testing/contract support beside the code may.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: TEST_SUPPORT },
      to: { path: '^test/' },
    },
  ],
  options: {
    // Packages stay in the graph (the domain rule must see them), but their insides are not cruised.
    // No `exclude` of node_modules: that would drop imports of packages before any rule saw them.
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['cjs', 'es6'],
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Only the dependency types the rules above look at are derived: faster.
    skipAnalysisNotInRules: true,
    // Re-cruises only files whose content changed since the last run.
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
