// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Restrictions every file keeps (see the block that applies them). */
const oneHomeSelectors = [
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
  {
    selector:
      "Property[key.name=/(Pence|amount)$/i] CallExpression[callee.object.name='Type'][callee.property.name=/^(Integer|Number)$/]",
    message: 'An amount of money in a schema is MoneyPence() or PenceTotal() from src/web/api-schemas.ts',
  },
]

/**
 * One versioned write (src/modules/audit/versioned-update.ts): a query's `.set({ version: … + 1 })` bumps a
 * version by hand, skipping the stale-version check and the audit event that updateVersioned does together.
 */
const versionBumpSelectors = [
  {
    selector:
      "CallExpression[callee.property.name='set'] Property[key.name='version'] > BinaryExpression[operator='+']",
    message:
      'A versioned record is changed through updateVersioned (src/modules/audit/versioned-update.ts), which checks the version and records the audit event; say in an eslint-disable comment why a write cannot.',
  },
  {
    selector:
      "CallExpression[callee.property.name='set'] Property[key.name='version'] > TaggedTemplateExpression",
    message:
      'A versioned record is changed through updateVersioned (src/modules/audit/versioned-update.ts), which checks the version and records the audit event; say in an eslint-disable comment why a write cannot.',
  },
]

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '.test-build/',
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
    // One home per rule, enforced. ESLint keeps only the last no-restricted-syntax setting that applies to a
    // file, so every restriction is listed in this one block.
    //  - One visibility rule (src/auth/visibility.ts): no other code may read or write the sharing table, or
    //    the flag it replaced, so no query can decide for itself what a partner officer sees.
    //  - One money type (ADR 0004): an amount in an API schema is MoneyPence (bounded) or PenceTotal, never a
    //    bare Type.Integer / Type.Number that would take 1e308 or 2^53 pence (src/web/api-schemas.ts defines them).
    //  - One versioned write (src/modules/audit/versioned-update.ts): no `.set({ version: version + 1 })` elsewhere.
    files: ['**/*.ts'],
    ignores: ['src/auth/visibility.ts', 'src/db/migrations/**', 'test/integration/visibility.test.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...oneHomeSelectors, ...versionBumpSelectors],
    },
  },
  {
    // One way to page an API list: apiList (src/web/pagination.ts) reads the cursor and limit, fetches one row
    // more than the page and answers {items, next}. Its parts are not for routes to put together by hand.
    files: ['src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/web/pagination.ts'],
              importNames: ['apiPage', 'apiOffset'],
              message: 'An API list answers through apiList (src/web/pagination.ts).',
            },
          ],
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
