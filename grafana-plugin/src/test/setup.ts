// Runs after setup-dom.ts: jest-dom matchers, cleanup after each test, and a PluginPage that shows its
// title (pageNav.text) and actions so page tests can read them; inside Grafana the real PluginPage draws
// the page header from the same props. (@grafana/runtime does not export setPluginPage, so it is mocked.)
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

vi.mock('@grafana/runtime', async (importOriginal) => {
  const runtime = await importOriginal<typeof import('@grafana/runtime')>();
  const { createElement, Fragment } = await import('react');
  function TestPluginPage({ pageNav, actions, subTitle, children }: import('@grafana/runtime').PluginPageProps) {
    return createElement(
      Fragment,
      null,
      createElement('h1', null, pageNav?.text ?? ''),
      subTitle ? createElement('div', null, subTitle) : null,
      actions ? createElement('div', null, actions) : null,
      children,
    );
  }
  return { ...runtime, PluginPage: TestPluginPage };
});

// A render loop driven by effects only warns and then spins for ever, which would hang the run: fail the
// test instead.
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  if (String(args[0]).includes('Maximum update depth exceeded')) throw new Error(`render loop: ${String(args[0])}`);
  consoleError(...args);
};

// Two shared cores and a cold @grafana/ui transform: give findBy/waitFor more than the default second.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
});
