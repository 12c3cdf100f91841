// ESLint 9 flat config for the whole repository (`npm run lint`): typescript-eslint's recommended rules
// for server/, bench/ and grafana-plugin/, plus the React hooks rules for the plugin's sources.
// Formatting is Prettier's job (.prettierrc.json), so there are no stylistic rules here.
//
// Type-aware rules (recommendedTypeChecked) are deliberately not enabled: measured on this repository a run
// with them took about 60 s of CPU (every file through both tsconfig programs) against about 13 s without,
// and they reported some 300 findings, most of them no-unsafe-* on JSON read from the wire and require-await
// on async functions that implement async interfaces: a rewrite of correct code.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Build output, coverage, runtime data and dependencies are never linted.
    ignores: ['**/node_modules/', '**/dist/', '**/coverage/', 'data/', '**/.tmp/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts,cts,js,mjs,cjs}'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // The same convention tsc's noUnusedLocals/noUnusedParameters follow: a leading underscore marks a
      // binding that is unused on purpose (a parameter an interface requires, a key dropped from a rest
      // object such as `const { password: _, ...safe } = account`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Off: a mail server matches control characters on purpose (IMAP atoms and tags, address and
      // mailbox-name validation, Loki label escaping); every such regular expression here means it.
      'no-control-regex': 'off',
    },
  },
  {
    // One resolver for the whole server (server/src/dns/): dns.servers decides where every name comes from,
    // and tests point it at a DNS server on loopback. Anything else importing node:dns would ask the system.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/dns/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:dns', 'node:dns/promises', 'dns', 'dns/promises'].map((name) => ({ name, message: 'Look names up through server/src/dns/ (dnsFor(config)), which honours dns.servers.' })),
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      // The webpack configs are CommonJS: require() is how they load their plugins.
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['grafana-plugin/src/**/*.{ts,tsx}', 'grafana-plugin/test/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
  {
    files: ['grafana-plugin/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
