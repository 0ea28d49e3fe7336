import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { vi } from "vitest";
import { client } from "../client/client.gen";

type Reply = { status?: number; body?: unknown; headers?: Record<string, string> };

/**
 * Replaces the network (global fetch), the seam between the app and the server, with fixed
 * answers per "METHOD path" (query string ignored). Unknown requests answer FastAPI's 404.
 */
export function stubServer(routes: Record<string, Reply | ((url: URL, request: Request) => Reply | Promise<Reply>)>) {
  client.setConfig({ baseUrl: "http://localhost" });
  const calls: string[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    const url = new URL(request.url);
    const key = `${request.method} ${url.pathname}`;
    calls.push(`${key}${url.search}`);
    const route = routes[key];
    const reply = typeof route === "function" ? await route(url, request) : route;
    const status = reply?.status ?? (reply ? 200 : 404);
    const body = reply ? reply.body : { type: "about:blank", title: "Not found", status: 404, code: "not_found" };
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...reply?.headers },
    });
  });
  vi.stubGlobal("fetch", fetchStub);
  return { calls };
}

export function renderWithProviders(ui: ReactNode, { route = "/" }: { route?: string } = {}) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}
