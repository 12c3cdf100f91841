// Bundles the harness's shared modules and shell (shared.tsx) into test/harness/dist/shared.js. A
// development build: no minifying, so it is quick; it is only ever served by the harness.
const path = require('node:path');

const runtimeDir = path.dirname(require.resolve('@grafana/runtime/package.json'));

module.exports = {
  mode: 'development',
  context: __dirname,
  entry: './shared.tsx',
  devtool: false,
  output: { path: path.resolve(__dirname, 'dist'), filename: 'shared.js', publicPath: '/harness/', clean: true },
  resolve: {
    extensions: ['.tsx', '.ts', '.mjs', '.js', '.json'],
    alias: { 'grafana-runtime-plugin-page$': path.join(runtimeDir, 'dist/esm/components/PluginPage.mjs') },
  },
  module: {
    rules: [
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: { jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2020', transform: { react: { runtime: 'automatic' } } } },
        },
      },
    ],
  },
  performance: { hints: false },
  stats: 'errors-warnings',
};
