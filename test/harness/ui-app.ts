/** The admin UI's static routes alone, over a temp folder of files, for route tests by inject(). */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { adminErrorHandler } from '../../admin/error-handler.js';
import { registerUiRoutes } from '../../admin/routes/ui.js';

/** An app serving `files` as the built UI, and the folder (removed, and the app closed, after the test). */
export async function uiApp(
  t: { after: (fn: () => unknown) => void },
  files: Record<string, string>,
): Promise<{ app: FastifyInstance; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-ui-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  const app = Fastify();
  app.setErrorHandler(adminErrorHandler);
  registerUiRoutes(app, { dir, version: '9.9.9' });
  app.get('/admin/api/config', async () => ({ ok: true }));
  t.after(() => app.close());
  return { app, dir };
}
