// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'data/',
      'node_modules/',
      'coverage/',
      'bench/out/',
      'public/',
      '**/*.mjs',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // One visibility rule (src/auth/visibility.ts): no other code may read or write the sharing table, or
    // the flag it replaced, so no query can decide for itself what a partner officer sees.
    files: ['**/*.ts'],
    ignores: ['src/auth/visibility.ts', 'src/db/migrations/**', 'test/integration/visibility.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/project_partners|shared_with_partner/]',
          message:
            'Who may see a project is decided in src/auth/visibility.ts only: use whereProjectVisible, visibleProjectIds or shareProject.',
        },
        {
          selector: 'TemplateElement[value.raw=/project_partners|shared_with_partner/]',
          message:
            'Who may see a project is decided in src/auth/visibility.ts only: use whereProjectVisible, visibleProjectIds or shareProject.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
)
