import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import * as ts from 'typescript';

/**
 * The service image holds what scripts/images.sh compiles (apps/ and libs/ without tests, in-process
 * test setups (*.testing.ts), the testing library, the REST client and the web apps) and production
 * packages only (`npm ci --omit=dev`). A package those files import at run time but that
 * package.json lists under devDependencies, or not at all, starts on a developer's machine and
 * crashes in the image: analytics did, on hdr-histogram-js, and only the container test found it,
 * after the whole `npm test`. Type-only imports vanish in the build and need no package.
 */
const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const shipped = (file: string) =>
  file.endsWith('.ts') &&
  !file.endsWith('.d.ts') &&
  !file.endsWith('.spec.ts') &&
  !file.endsWith('.testing.ts') &&
  !/^apps\/[^/]+\/(test|web)\//.test(file) &&
  !file.startsWith('libs/testing/') &&
  // The typed REST client is for the web apps (bundled by vite), the simulator and the tests; no service loads it (below).
  !file.startsWith('libs/api-client/');

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
    .filter(shipped);
}

/** The packages a file needs at run time: value imports, re-exports and require() calls. */
function runtimePackagesOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const onlyTypes =
        node.importClause &&
        !node.importClause.name &&
        named &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((e) => e.isTypeOnly);
      if (!onlyTypes) specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isCallExpression(node) && node.expression.getText(source) === 'require' && ts.isStringLiteral(node.arguments[0])) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !s.startsWith('@callcenter/') && !builtinModules.includes(s))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

describe('what the services import at run time is a production dependency', () => {
  const files = [...sourcesUnder('apps'), ...sourcesUnder('libs')];

  it('finds the shipped sources', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files).toContain('apps/analytics/src/model/aggregates.ts');
  });

  it('names every package those files import under dependencies', () => {
    const missing = files.flatMap((file) =>
      runtimePackagesOf(file)
        .filter((name) => !(name in pkg.dependencies))
        .map((name) => `${name} (${file})`),
    );
    expect(missing).toEqual([]);
  });

  it('keeps the typed REST client and the in-process test setups out of the services', () => {
    const users = files.filter((file) => /from '(@callcenter\/api-client|[^']*\.testing)'/.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(users).toEqual([]);
  });

  it('sees a value import and ignores a type-only one', () => {
    expect(runtimePackagesOf('apps/analytics/src/model/aggregates.ts')).toContain('hdr-histogram-js');
    expect(runtimePackagesOf('libs/platform/src/http-errors.filter.ts')).not.toContain('express');
  });
});
