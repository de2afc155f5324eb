/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The backend (make run) listens on 8000; `npm run dev` proxies the API, admin and static files to it,
// so the session cookie and CSRF token work exactly as when Django serves the built app.
const backend = process.env.HITL_BACKEND_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: {
    port: 5173,
    proxy: { "/api": backend, "/admin": backend, "/static": backend },
  },
  build: {
    outDir: "dist",
    // Served by WhiteNoise under /assets/ with far-future caching (hashed names).
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  test: {
    environment: "jsdom",
    globals: false,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    testTimeout: 15000,
  },
});
