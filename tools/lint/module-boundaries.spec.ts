import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// Proves the boundaries in eslint.config.mjs are enforced, not decorative: each import below
// is linted as if it were written in the named file, with the real config and project graph.
const root = resolve(__dirname, '..', '..');
const eslintBin = resolve(root, 'node_modules', '.bin', 'eslint');

// Runs the ESLint CLI (the config is an ES module, which Jest's sandbox cannot load).
async function boundaryErrors(
  file: string,
  code: string,
  rule = '@nx/enforce-module-boundaries',
): Promise<string[]> {
  const run = spawnSync(eslintBin, ['--format', 'json', '--stdin', '--stdin-filename', file], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('module boundaries', () => {
  jest.setTimeout(60_000);

  it('lets an app use contracts and the platform', async () => {
    const code =
      "import { EVENTS } from '@lib/contracts';\nimport { bootstrap } from '@lib/platform';\nexport const used = [EVENTS, bootstrap];\n";
    await expect(boundaryErrors('apps/webtoon/src/fixture.ts', code)).resolves.toEqual([]);
  });

  it('forbids contracts from depending on the platform', async () => {
    const code = "import { bootstrap } from '@lib/platform';\nexport const used = bootstrap;\n";
    const errors = await boundaryErrors('libs/contracts/src/fixture.ts', code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/type:contracts|Circular dependency/);
  });

  it("keeps the platform's test helpers out of production code", async () => {
    const code = "import { waitFor } from '@lib/platform/testing';\nexport const used = waitFor;\n";
    const restricted = 'no-restricted-imports';
    expect(await boundaryErrors('apps/webtoon/src/fixture.ts', code, restricted)).toHaveLength(1);
    expect(await boundaryErrors('apps/webtoon/src/fixture.spec.ts', code, restricted)).toEqual([]);
    expect(await boundaryErrors('apps/webtoon/test/fixture.ts', code, restricted)).toEqual([]);
  });

  it("forbids one app from importing another app's code", async () => {
    const code =
      "import { AppModule } from '../../payment/src/app.module';\nexport const used = AppModule;\n";
    const errors = await boundaryErrors('apps/webtoon/src/fixture.ts', code);
    expect(errors).toHaveLength(1);
  });
});
