// Builds the plugin the way Grafana loads it: dist/module.js as an AMD module (Grafana's SystemJS loads
// it and hands in the shared modules listed in `externals`), lazy chunks beside it under the plugin's
// public path, and plugin.json, img/ (logo, screenshots), README.md, CHANGELOG.md and the repository's
// dashboards/ copied next to it.
const path = require('node:path');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const pluginJson = require('./src/plugin.json');

const SHARED = ['react', 'react-dom', 'react/jsx-runtime', 'react-router', 'react-router-dom', 'rxjs', '@emotion/css', '@emotion/react', 'lodash', 'moment'];

module.exports = (_env = {}, argv = {}) => {
  const production = argv.mode !== 'development';
  return {
    mode: production ? 'production' : 'development',
    context: __dirname,
    entry: { module: './src/module.tsx' },
    devtool: 'source-map',
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename: '[name].js',
      chunkFilename: '[name].js?_cache=[contenthash]',
      library: { type: 'amd' },
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      clean: true,
    },
    externals: [...SHARED, ({ request }, callback) => (/^@grafana\/(ui|data|runtime)(\/|$)/.test(request ?? '') ? callback(undefined, request) : callback())],
    resolve: { extensions: ['.tsx', '.ts', '.js', '.json'] },
    module: {
      rules: [
        {
          test: /\.[tj]sx?$/,
          exclude: /node_modules/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                parser: { syntax: 'typescript', tsx: true },
                target: 'es2020',
                transform: { react: { runtime: 'automatic' } },
              },
            },
          },
        },
      ],
    },
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'src/plugin.json', to: '.' },
          { from: 'src/img', to: 'img', globOptions: { ignore: ['**/README.md'] } },
          { from: 'README.md', to: '.' },
          { from: 'CHANGELOG.md', to: '.' },
          // The repository's licence travels with the plugin: a catalogue checks for it in the archive.
          { from: '../LICENSE', to: '.' },
          // The repository's dashboards, the one copy in git, shipped in the plugin too (plugin.json `includes`).
          { from: '../dashboards/*.json', to: 'dashboards/[name][ext]' },
        ],
      }),
    ],
    performance: { hints: false },
    // @grafana/scenes' PanelBuilders.table() reads a defaultOptions that @grafana/schema 12.4 no longer
    // exports; the app builds no table panel, so the import stays unused.
    ignoreWarnings: [{ module: /@grafana\/scenes/, message: /defaultOptions.*TablePanelCfg_types\.gen/ }],
    stats: 'errors-warnings',
  };
};
