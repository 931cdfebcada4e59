// Module resolution hook for the boot harness: the bundle's `import … from 'electron'` gets the
// typed stand-in instead of the electron package (whose index.js would try to download a binary).
let standInUrl = null;

export function initialize(data) {
  standInUrl = data.standInUrl;
}

export async function resolve(specifier, context, nextResolve) {
  // Resolved on down the chain, so that tsx's own hooks load the TypeScript file.
  if (specifier === 'electron') return nextResolve(standInUrl, context);
  return nextResolve(specifier, context);
}
