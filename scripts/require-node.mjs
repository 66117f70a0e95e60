// npm scripts run the Node from the `node` devDependency (node_modules/.bin comes first on PATH).
// If this fails, `npm install` did not finish or the script was run outside npm.
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  console.error(
    `Stylist's scripts need Node 24 (found ${process.version}). Run them through npm, after npm install.`,
  );
  process.exit(1);
}
