import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Carbon's precompiled stylesheet loads IBM Plex from IBM's CDN. The console makes no request
 * beyond its own origin and the API (it runs offline on a laptop), so those @font-face rules are
 * dropped and Carbon's font stack falls back to the system's sans-serif.
 */
function dropRemoteFonts(): Plugin {
  return {
    name: 'drop-remote-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('@carbon/styles/css/')) return undefined;
      return { code: code.replace(/@font-face\{[^}]*\}/g, ''), map: null };
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset paths: the same build serves at / on the embedded runtime and on CloudFront.
  base: './',
  plugins: [react(), dropRemoteFonts()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `npx vite console` during development: the API of `npm start` behind the same origin.
    proxy: { '/v2': 'http://127.0.0.1:8080' },
  },
});
