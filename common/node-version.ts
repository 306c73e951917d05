/** Every service refuses to run on a Node older than the pinned 24 (docs/architecture.md, "Node version"). */
export function assertNodeVersion(minMajor = 24): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < minMajor) {
    console.error(
      `Node ${minMajor}+ is required, this is ${process.version} (${process.execPath}). Run through make or set NODE_BIN to node_modules/node/bin/node.`,
    );
    process.exit(1);
  }
}
