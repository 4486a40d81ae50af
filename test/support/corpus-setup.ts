import { symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { MAX_INPUT_FILE_BYTES } from '../../src/model/defaults';

/**
 * Bad-input corpus cases whose input git cannot hold (a 1 MiB file, symlinks) are completed in the temporary
 * copy by these functions, keyed by case folder name.
 */
export const CORPUS_SETUP: Readonly<Record<string, (root: string) => void>> = {
  '05-file-too-large': (root) => {
    const route = 'apiVersion: kfaas/v1\nkind: Route\nmetadata:\n  name: big\nspec:\n  match:\n    - prefix: /faas/api/shop/big/\n';
    const padding = '#'.repeat(MAX_INPUT_FILE_BYTES + 1 - route.length - 1);
    writeFileSync(join(root, 'routes', 'shop', 'big.yaml'), `${route}${padding}\n`);
  },
  '06-symlink-escape': (root) => {
    symlinkSync(join('..', '..', 'outside.yaml'), join(root, 'routes', 'shop', 'link.yaml'));
    symlinkSync('cart.yaml.source', join(root, 'routes', 'shop', 'inside.yaml'));
  },
};
