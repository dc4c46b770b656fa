// The Workers view's request: the fleet's heartbeats read from Redis here, in the worker process, so the
// Redis client never loads in the extension host. The lister is passed in (fleet.ts in the worker, a fake
// in tests); it is loaded on the first request, so a worker that never lists workers never loads ioredis.
import type { MessageConnection, ResponseError } from 'vscode-jsonrpc/node.js';
import { UserError } from '../core/errors.js';
import type { WorkerInfo } from '../protocol/distributed.js';
import { WorkersListRequest } from '../protocol/worker.js';
import type { WorkerErrorData, WorkersListResult } from '../protocol/worker.js';
import { toResponseError } from './profileJobs.js';

export type ListWorkersFn = (url: string, password?: string) => Promise<WorkerInfo[]>;

/** A backstop (fleet.ts times out first): the view polls every few seconds, so a hung server reads as unreachable. */
export const LIST_TIMEOUT_MS = 6000;

export function registerFleetJobs(connection: MessageConnection, load: () => Promise<ListWorkersFn>, timeoutMs = LIST_TIMEOUT_MS): void {
  connection.onRequest(WorkersListRequest, async (params): Promise<WorkersListResult | ResponseError<WorkerErrorData>> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const list = await load();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UserError('UNREADABLE', `Redis did not answer within ${timeoutMs / 1000} s.`)), timeoutMs);
      });
      const workers = await Promise.race([list(params.url, params.password ?? undefined), timeout]);
      return { workers };
    } catch (e) {
      return toResponseError(e);
    } finally {
      clearTimeout(timer);
    }
  });
}
