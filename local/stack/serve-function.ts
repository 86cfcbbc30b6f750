// One function in its own process, served by functions-framework on the loopback interface only.
// The framework's CLI has no host option (it listens on every interface, unauthenticated); its public
// testing entry builds the very server that CLI runs, which this binds to 127.0.0.1.
import { pathToFileURL } from 'node:url';
import { getTestServer } from '@google-cloud/functions-framework/testing';

const [source, target, port] = process.argv.slice(2);
if (!source || !target || !port) throw new Error('usage: serve-function <source> <target> <port>');
// Importing the module registers its function (http() or cloudEvent()) with the framework.
await import(pathToFileURL(source).href);
// As the framework's CLI does: no timeout on incoming connections.
getTestServer(target).listen(Number(port), '127.0.0.1').setTimeout(0);
