// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/', 'data/', 'node_modules/', 'coverage/', 'bench/out/', 'public/', '**/*.mjs', 'eslint.config.js'] },
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
    // One money type (ADR 0004): an amount in an API schema is MoneyPence (bounded) or PenceTotal, never a
    // bare Type.Integer / Type.Number that would take 1e308 or 2^53 pence.
    files: ['src/**/*.ts'],
    ignores: ['src/web/api-schemas.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "Property[key.name=/(Pence|amount)$/i] CallExpression[callee.object.name='Type'][callee.property.name=/^(Integer|Number)$/]",
          message:
            'An amount of money in a schema is MoneyPence() or PenceTotal() from src/web/api-schemas.ts',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-floating-promises': 'off' },
  },
)
