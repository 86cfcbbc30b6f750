// One function in its own process, served by functions-framework on the loopback interface only.
// The framework's CLI has no host option (it listens on every interface, unauthenticated); its public
// testing entry builds the very server that CLI runs, which this binds to 127.0.0.1.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getTestServer } from '@google-cloud/functions-framework/testing';

const [source, target, port] = process.argv.slice(2);
if (!source || !target || !port) throw new Error('usage: serve-function <source> <target> <port>');
// Importing the module registers its function (http() or cloudEvent()) with the framework. A folder (a
// deploy bundle) is loaded by its package.json's main, as the framework's CLI loads --source.
await import(pathToFileURL(entryOf(source)).href);
// As the framework's CLI does: no timeout on incoming connections.
getTestServer(target).listen(Number(port), '127.0.0.1').setTimeout(0);

function entryOf(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const { main = 'index.js' } = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as {
    main?: string;
  };
  return join(path, main);
}
