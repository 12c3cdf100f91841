// The app's root: one route per page under /a/mailroom-admin-app, the Server page by default.
import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';
import LiveLog from '../../pages/LiveLog';
import Queue from '../../pages/Queue';
import Server from '../../pages/Server';
import Warnings from '../../pages/Warnings';

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Server} element={<Server />} />
      <Route path={ROUTES.Warnings} element={<Warnings />} />
      <Route path={ROUTES.Queue} element={<Queue />} />
      <Route path={ROUTES.LiveLog} element={<LiveLog />} />
      <Route path="*" element={<Server />} />
    </Routes>
  );
}

export default App;
