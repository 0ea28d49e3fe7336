/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the Vite dev server proxies the API (run `minthub-api demo` on :8000), so the
// browser sees one origin exactly as in production, where `minthub-api serve` serves dist/.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": process.env.MINTHUB_API ?? "http://127.0.0.1:8000" } },
  build: { sourcemap: false, chunkSizeWarningLimit: 600 },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    // CI machines are shared and loaded: user-event tests typing into forms can pass 5 s there.
    testTimeout: 20_000,
  },
});
