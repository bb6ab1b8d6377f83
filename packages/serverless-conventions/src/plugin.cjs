// The Serverless Framework loads plugins with require(); the plugin is TypeScript like the rest of
// the repository, so it is loaded through tsx's scoped require, which compiles these files only and
// leaves the framework's own module loading untouched.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./conventions-plugin.ts', __filename).ConventionsPlugin;
