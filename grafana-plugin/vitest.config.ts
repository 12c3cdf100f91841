// Unit tests of the plugin: jsdom, @grafana/ui inlined (it ships CommonJS that Node cannot import by name),
// SVG icons stubbed (they would be fetched), a setup file for what jsdom lacks.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: { 'react-inlinesvg': here('./src/test/react-inlinesvg.js') },
  },
  test: {
    root: here('.'),
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    // The real-browser test has its own config (vitest.browser.config.ts) and runs after a build.
    exclude: ['test/browser/**', '**/node_modules/**'],
    environment: 'jsdom',
    setupFiles: [here('./src/test/setup-dom.ts'), here('./src/test/setup.ts')],
    server: { deps: { inline: [/@grafana\//] } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
