import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Who may import whom (docs/architecture.md, "Module boundaries"): contracts depend on nothing, platform on contracts, apps
 * on both, and no app on another app. The platform's test helpers (`@lib/platform/testing`) are
 * kept out of production code by `no-restricted-imports` below.
 */
function boundaries() {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts'] },
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'],
      },
      {
        sourceTag: 'type:e2e',
        // The platform only for its test helpers: e2e code is all test code.
        onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:tool'],
      },
      {
        sourceTag: 'type:tool',
        onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:tool'],
      },
    ],
  };
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.nx/**',
      '**/.devstack/**',
      '**/.devcluster/**',
      '**/coverage/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // Boundaries are the architecture: a service's code is private to it, libs depend only downward.
      '@nx/enforce-module-boundaries': ['error', boundaries()],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'off',
      // Test helpers stay out of what the apps load in production.
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@lib/platform/testing', message: 'Test helpers are for tests only.' }] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': 'off',
    },
  },
  {
    // Benchmarks and other tools are run by people, never loaded by an app.
    files: ['tools/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  prettier,
);
