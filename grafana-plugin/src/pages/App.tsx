// The app's root page (AppPlugin.setRootPage): one route per page under /a/mailroom-admin-app, the Server
// page by default.
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../constants';
import LiveLog from './LiveLog';
import Queue from './Queue';
import Server from './Server';
import Trace from './Trace';
import Warnings from './Warnings';

function App(_props: AppRootProps) {
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
