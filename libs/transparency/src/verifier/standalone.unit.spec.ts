import { join } from 'node:path';
import ts from 'typescript';

const FILE = join(__dirname, 'offline.verifier.ts');

describe('the offline verifier as a third party gets it', () => {
  // Node >= 22.18 runs a .ts file directly by erasing its types: only erasable syntax (no enums,
  // namespaces, parameter properties) and no imports but Node's own modules allow that.
  it('is erasable TypeScript that type-checks on its own, importing node: modules only', () => {
    const program = ts.createProgram([FILE], {
      strict: true,
      noEmit: true,
      erasableSyntaxOnly: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      types: ['node'],
      skipLibCheck: true,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    const source = program.getSourceFile(FILE)!;
    const imports = source.statements
      .filter(ts.isImportDeclaration)
      .map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((name) => !name.startsWith('node:'))).toEqual([]);
  });
});
