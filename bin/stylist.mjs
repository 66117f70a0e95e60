#!/usr/bin/env node
// The CLI is TypeScript run directly by Node's type stripping (Node 22.18+). `npx stylist` puts the project's
// own Node 24 (the `node` devDependency) first on PATH; a bare older `node` gets a clear message instead of a
// syntax error.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(
    `stylist needs Node 22.18 or newer (this is ${process.version}). Run it as \`npx stylist\` after npm install.`,
  );
  process.exit(1);
}
await import("../src/cli/main.ts");
