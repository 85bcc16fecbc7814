import { defineConfig } from "vite";

// The console is served by spate itself at / with its files under /assets/ (see README.md).
// `npm run dev` proxies the API to a spate started with --http-addr 127.0.0.1:8080.
export default defineConfig({
  base: "/",
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, chunkSizeWarningLimit: 1024 },
  server: { proxy: { "/api": "http://127.0.0.1:8080", "/health": "http://127.0.0.1:8080" } },
});
