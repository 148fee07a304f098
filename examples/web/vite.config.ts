import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dev server and `vite preview` forward /graphql to the API, so the browser sees one
// origin and the API needs no CORS setup.
const apiUrl = process.env.ACTIVELOG_API_URL ?? "http://localhost:4000";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/graphql": apiUrl } },
  preview: { proxy: { "/graphql": apiUrl } },
});
