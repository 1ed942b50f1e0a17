// The lab's machine image, built once into /var/cache/kthw (a no-op when it is cached): its own phase
// of scripts/test.sh, so the lab tests' time does not include a first build.
import { ensureImage } from '../lab/local/index.js';

const image = await ensureImage({ log: (message) => process.stderr.write(`[image] ${message}\n`) });
process.stderr.write(`[image] ${image.built ? 'built' : 'cached'}: ${image.path}\n`);
