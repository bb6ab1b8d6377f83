// The Serverless Framework loads plugins with require(); the plugin is TypeScript like the rest of
// the repository, so it is loaded through tsx's scoped require, which compiles these files only and
// leaves the framework's own module loading untouched. The scope is named here, not left to tsx
// (which names it after the clock): the name is part of what tsx's transform cache is keyed by, so
// a fixed one lets each run reuse what an earlier one compiled instead of compiling it again.
const { register } = require('tsx/cjs/api');

const tsx = register({ namespace: 'serverless-conventions' });

module.exports = tsx.require('./conventions-plugin.ts', __filename).ConventionsPlugin;
