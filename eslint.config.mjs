// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/containers: files of the tests' container images (plain Node.js, run inside them).
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.js', '*.mjs', 'scripts/*.mjs', 'test/containers/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Rules that catch real bugs (see CONTRIBUTING.md).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Refusing control characters in input is deliberate, and needs them in patterns.
      'no-control-regex': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration in the app config (config.ts) only.',
        },
      ],
    },
  },
  {
    // Import boundaries: apps import libs, never other apps; contracts import no frameworks.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/apps/**', 'apps/*'], message: 'Apps never import from other apps; use libs.' }] },
      ],
    },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@nestjs/*', 'typeorm', 'nats', 'express', 'minio', 'pg', '@app/*'], message: 'Contracts import no frameworks.' },
          ],
        },
      ],
    },
  },
  {
    // The browser's scripts (served from /static): plain ES modules, no framework, no build step.
    files: ['apps/**/static/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window', 'document', 'navigator', 'location', 'history', 'fetch', 'URL', 'URLSearchParams',
          'FormData', 'File', 'Blob', 'Image', 'Node', 'Element', 'HTMLElement', 'HTMLInputElement',
          'HTMLButtonElement', 'HTMLFormElement', 'HTMLDialogElement', 'HTMLDetailsElement', 'console', 'atob',
        ].map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      // Markup from strings is how script injection gets in: the pages build elements and set textContent.
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: 'Use textContent or el(); user data must never become markup.' },
        { property: 'outerHTML', message: 'Use textContent or el(); user data must never become markup.' },
        { property: 'insertAdjacentHTML', message: 'Use el(); user data must never become markup.' },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    // Config modules, scripts and tests may read the environment.
    files: ['**/config.ts', 'libs/config/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
