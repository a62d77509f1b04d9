import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

// Proves the boundaries in eslint.config.mjs are enforced, not decorative: each import below
// is linted as if it were written in the named file, with the real config and project graph.
const root = resolve(__dirname, '..', '..');
const eslintBin = resolve(root, 'node_modules', '.bin', 'eslint');

// Runs the ESLint CLI (the config is an ES module, which Jest's sandbox cannot load).
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const run = spawnSync(eslintBin, ['--format', 'json', '--stdin', '--stdin-filename', file], {
    cwd: root,
    input: code,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages
    .filter((m) => m.ruleId === '@nx/enforce-module-boundaries')
    .map((m) => m.message);
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

  it('forbids the platform from depending on the testing lib outside tests', async () => {
    const code = "import { waitFor } from '@lib/testing';\nexport const used = waitFor;\n";
    expect(await boundaryErrors('libs/platform/src/fixture.ts', code)).toHaveLength(1);
    expect(await boundaryErrors('libs/platform/test/fixture.ts', code)).toEqual([]);
  });

  it("forbids one app from importing another app's code", async () => {
    const code =
      "import { AppModule } from '../../payment/src/app.module';\nexport const used = AppModule;\n";
    const errors = await boundaryErrors('apps/webtoon/src/fixture.ts', code);
    expect(errors).toHaveLength(1);
  });
});
