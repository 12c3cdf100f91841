// Renders a component the way Grafana would: inside a theme, Grafana's location service (Scenes reads it
// for its URL sync) and a router, with a user role of choice.
import React from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { createTheme } from '@grafana/data';
import { config, LocationServiceProvider, locationService } from '@grafana/runtime';
import { ThemeContext } from '@grafana/ui';

export function setOrgRole(role: 'Viewer' | 'Editor' | 'Admin' | 'None'): void {
  config.bootData.user.orgRole = role as typeof config.bootData.user.orgRole;
}

export function renderWithGrafana(ui: React.ReactElement, { route = '/' }: { route?: string } = {}): RenderResult {
  function Wrapper({ children }: { children: React.ReactNode }) {
    return (
      <ThemeContext.Provider value={createTheme()}>
        <LocationServiceProvider service={locationService}>
          <MemoryRouter initialEntries={[route]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
            {children}
          </MemoryRouter>
        </LocationServiceProvider>
      </ThemeContext.Provider>
    );
  }
  return render(ui, { wrapper: Wrapper });
}

/** Grafana's Button is disabled through `disabled`, or `aria-disabled` when it carries a tooltip saying why. */
export function isDisabled(el: HTMLElement): boolean {
  return (el as HTMLButtonElement).disabled || el.getAttribute('aria-disabled') === 'true';
}
