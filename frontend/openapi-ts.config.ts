import { defineConfig } from "@hey-api/openapi-ts";

// The typed API client is generated from the committed OpenAPI document; never edit src/client.
export default defineConfig({
  input: "../openapi/openapi.json",
  output: { path: process.env.CLIENT_OUT ?? "src/client", format: false, lint: false },
  plugins: ["@hey-api/typescript", "@hey-api/sdk", { name: "@hey-api/client-fetch", baseUrl: false }],
});
