import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './app/main/db/schema/*.ts',
  out: './app/main/db/migrations',
});
