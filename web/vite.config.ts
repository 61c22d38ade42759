import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';
import { precompress } from './build/precompress';

// One entry per surface. The widget loader is embedded by other sites as
// /widget.js, so its name is stable and unhashed; everything else is hashed
// and cached for a year. precompress writes a .gz and a .br copy beside each
// text file (build/precompress.ts), which the server sends as they are.
export default defineConfig({
  plugins: [preact(), precompress()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    rollupOptions: {
      input: {
        agent: resolve(__dirname, 'agent.html'),
        admin: resolve(__dirname, 'admin.html'),
        supervisor: resolve(__dirname, 'supervisor.html'),
        'widget-frame': resolve(__dirname, 'widget-frame.html'),
        demo: resolve(__dirname, 'demo/index.html'),
        widget: resolve(__dirname, 'src/widget/loader.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'widget' ? 'widget.js' : 'assets/[name]-[hash].js'),
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'build/**/*.test.ts'],
  },
});
