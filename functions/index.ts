// The deploy entry: every function of the list registers itself with functions-framework when imported.
import { FUNCTIONS } from './function-list.js';

await Promise.all(FUNCTIONS.map((fn) => import(`./${fn.folder}/index.js`)));
