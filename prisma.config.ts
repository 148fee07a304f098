import { defineConfig } from "prisma/config";

// Migrations are applied by our own runner (packages/prisma-wasm-migrate), which drives
// Prisma's schema engine compiled to WebAssembly; this file only tells the Prisma CLI where
// the schema and migrations live (and, where a native engine exists, which database to use).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
