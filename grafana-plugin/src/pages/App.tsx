// The app's root page (AppPlugin.setRootPage): one route per page under /a/mailroom-admin-app, the Server
// page by default. While the app lacks its API URL or viewer token every route says so, with a link to the
// configuration page, instead of calling Mailroom and showing Grafana's error.
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { ROUTES } from '../constants';
import { Unconfigured } from '../components/Unconfigured/Unconfigured';
import { missingSettings, type AppJsonData } from '../services/settings';
import LiveLog from './LiveLog';
import Queue from './Queue';
import Server from './Server';
import Trace from './Trace';
import Warnings from './Warnings';

function App({ meta }: AppRootProps<AppJsonData>) {
  const missing = missingSettings(meta.jsonData, meta.secureJsonFields);
  if (missing.length > 0) {
    return (
      <PluginPage>
        <Unconfigured missing={missing} />
      </PluginPage>
    );
  }
  return (
    <Routes>
      <Route path={ROUTES.Server} element={<Server />} />
      <Route path={ROUTES.Warnings} element={<Warnings />} />
      <Route path={ROUTES.Queue} element={<Queue />} />
      <Route path={ROUTES.LiveLog} element={<LiveLog />} />
      <Route path={ROUTES.Trace} element={<Trace />} />
      <Route path="*" element={<Server />} />
    </Routes>
  );
}

export default App;
