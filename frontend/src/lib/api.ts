import { client } from "../client/client.gen";
import type { Problem } from "../client/types.gen";

/** An API answer that was not 2xx, carrying the RFC 9457 problem document when there is one. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Partial<Problem>;
  /** Seconds to wait, from a 429's Retry-After header (a sign-in lockout, too many codes). */
  readonly retryAfter: number | null;

  constructor(status: number, problem: Partial<Problem> | undefined, retryAfter: string | null = null) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.code = problem?.code ?? (status === 404 ? "not_found" : "http_error");
    const seconds = retryAfter === null ? NaN : Number(retryAfter);
    this.retryAfter = Number.isFinite(seconds) && seconds > 0 ? seconds : null;
  }
}

/** The endpoint is not deployed on this server yet (a route FastAPI does not know). */
export function isNotAvailable(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    (error.status === 405 || (error.status === 404 && error.code !== "store_not_found"))
  );
}

function csrfToken(): string | undefined {
  const match = document.cookie.match(/(?:^|;\s*)minthub_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : undefined;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function configureApiClient(): void {
  // Same origin: the session cookie goes along; the CSRF double-submit header when there is one.
  client.setConfig({ baseUrl: "", credentials: "same-origin" });
  client.interceptors.request.use((request) => {
    const token = csrfToken();
    if (token && UNSAFE.has(request.method)) request.headers.set("X-CSRF-Token", token);
    return request;
  });
}

type SdkResult<T> = { data?: T; error?: unknown; response?: Response };

/** Turns a generated-SDK result into its data or a thrown ApiError. */
export async function unwrap<T>(call: Promise<SdkResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response || !response.ok) {
    throw new ApiError(
      response?.status ?? 0,
      (error as Partial<Problem>) ?? undefined,
      response?.headers.get("Retry-After") ?? null,
    );
  }
  return data as T;
}

/**
 * For endpoints documented in the issues but not in the OpenAPI document yet. Once they land the
 * generated client replaces these calls.
 */
export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  if (init.body && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const token = csrfToken();
  if (token && UNSAFE.has((init.method ?? "GET").toUpperCase())) headers.set("X-CSRF-Token", token);
  const response = await fetch(path, { ...init, headers, credentials: "same-origin" });
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new ApiError(response.status, body as Partial<Problem>, response.headers.get("Retry-After"));
  return body as T;
}

/**
 * Retry policy of the dashboard's reads: one more try after a server error (a 5xx such as a
 * database deadlock under load is transient); a problem with a code (409, 404...) is an answer.
 */
export function retryServerError(failures: number, error: Error): boolean {
  return failures < 1 && error instanceof ApiError && error.status >= 500;
}
