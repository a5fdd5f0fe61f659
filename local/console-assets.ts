import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

/** Where `npm run console:build` (Vite) writes the web console. */
export const CONSOLE_DIST = resolve(import.meta.dirname, '../console/dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Serves a request when it is the console's; false leaves it to the API. */
export type StaticFiles = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The web console's static files at `/` (the API keeps `/v2` and `/metrics`): a file of the build
 * when the path names one. A path without an extension is a deep link typed by hand (`/batches/123`):
 * the console routes in the hash and loads its assets relative to `/`, so it is redirected to the same
 * view at `/#/batches/123`. Vite's hashed `assets/` are cached for good, `index.html` and
 * `config.json` never.
 */
export function consoleAssets(root: string = CONSOLE_DIST): StaticFiles {
  return async (req, res) => {
    const method = req.method ?? 'GET';
    const path = decodedPath(req.url);
    if (path.startsWith('/v2/') || path === '/v2' || path === '/metrics') return false;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const file = await fileFor(root, path);
    if (!file && extname(path) === '' && !path.split('/').includes('..')) {
      const { pathname, search } = new URL(req.url ?? '/', 'http://localhost');
      res.writeHead(302, { location: `/#${pathname}${search}`, 'cache-control': 'no-cache' });
      res.end();
      return true;
    }
    if (!file) {
      const missingBuild = !(await isFile(join(root, 'index.html')));
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        missingBuild
          ? 'The web console is not built: run `npm run console:build` (npm start does it when needed).\n'
          : `Not found: ${path}\n`,
      );
      return true;
    }
    const immutable = file.startsWith(join(root, 'assets') + sep);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  };
}

/** The request's path, decoded; a malformed escape (`%E0`) is taken literally rather than thrown. */
function decodedPath(url: string | undefined): string {
  const path = new URL(url ?? '/', 'http://localhost').pathname;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

async function fileFor(root: string, path: string): Promise<string | undefined> {
  const candidate = normalize(join(root, path));
  // Never outside the build folder (`..` in a path).
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  if (await isFile(candidate)) return candidate;
  if (path === '/') {
    const index = join(root, 'index.html');
    if (await isFile(index)) return index;
  }
  return undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
