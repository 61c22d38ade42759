// A small JSON client for the Skranke REST API (docs/protocol.md, "REST").
// Errors come back as ApiRequestError with the server's code, reason and
// parameters, and its English message, which is written for people and may
// be shown as it is (errors.ts puts it in the user's language).

import type { ApiError, ErrorCode, ErrorParams } from './protocol';
import { clientReasons } from './errors';

export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  /** reason is the server's stable key of what went wrong, params the values it names. */
  readonly reason?: string;
  readonly params: ErrorParams;
  constructor(status: number, code: ErrorCode, message: string, reason?: string, params?: ErrorParams) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.params = params ?? {};
  }
}

function isApiError(v: unknown): v is ApiError {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = (v as { error: unknown }).error;
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string';
}

/**
 * apiRequest sends a JSON request on this origin with the session cookie and
 * returns the decoded body (undefined for 204). A network failure is an
 * ApiRequestError with status 0 and code "unavailable".
 */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, 'unavailable', clientReasons.server_unreachable, 'server_unreachable');
  }
  if (res.status === 204) return undefined as T;
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    if (isApiError(data)) {
      const e = data.error;
      throw new ApiRequestError(res.status, e.code, e.message, e.reason, e.params);
    }
    throw new ApiRequestError(res.status, res.status === 401 ? 'unauthenticated' : 'internal', res.statusText || `HTTP ${res.status}`);
  }
  return data as T;
}
