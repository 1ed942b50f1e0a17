// Replaced at build time by esbuild's `define`; read from package.json when run unbundled (tests).
declare const __KTHW_VERSION__: string | undefined;
export const VERSION: string = typeof __KTHW_VERSION__ === 'string' ? __KTHW_VERSION__ : '0.0.0-dev';
