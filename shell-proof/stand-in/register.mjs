// `node --import tsx --import ./shell-proof/stand-in/register.mjs …`: installs resolve-hook.mjs.
import { register } from 'node:module';

register('./resolve-hook.mjs', import.meta.url, {
  data: { standInUrl: new URL('./electron.ts', import.meta.url).href },
});
