import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { BrowserRouter, Link, Route, Routes } from "react-router";
import { Loading } from "../components/common/states";
import { InvitationPage, MfaEnrolPage } from "../features/auth/AccountPages";
import { LoginPage } from "../features/auth/LoginPage";
import { RequireAuth } from "../features/auth/RequireAuth";
import { ContactPage, PrivacyPage, PublicHome } from "../features/public/PublicPages";
import { StoresPage } from "../features/stores/StoresPage";
import { Layout } from "./Layout";

// The signed-in workspace (tables, charts) loads on demand; the public page stays light.
const StoreLayout = lazy(() => import("./StoreLayout"));
const AllAuditPage = lazy(() => import("./AllAuditPage"));

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 1, staleTime: 30_000 } },
  });
}

function NotFound() {
  const { t } = useTranslation();
  return (
    <main id="main" className="narrow">
      <h1>{t("notFound.title")}</h1>
      <Link to="/">{t("notFound.home")}</Link>
    </main>
  );
}

const guarded = (node: ReactNode) => (
  <RequireAuth>
    <Suspense fallback={<Loading />}>{node}</Suspense>
  </RequireAuth>
);

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<PublicHome />} />
        <Route path="privacy" element={<PrivacyPage />} />
        <Route path="contact" element={<ContactPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="invitations/accept" element={<InvitationPage />} />
        <Route path="mfa" element={guarded(<MfaEnrolPage />)} />
        <Route path="stores" element={guarded(<StoresPage />)} />
        <Route path="stores/:storeId" element={guarded(<StoreLayout tab="dashboard" />)} />
        <Route path="stores/:storeId/reports" element={guarded(<StoreLayout tab="reports" />)} />
        <Route path="stores/:storeId/audit" element={guarded(<StoreLayout tab="audit" />)} />
        <Route path="stores/:storeId/settings" element={guarded(<StoreLayout tab="settings" />)} />
        <Route path="audit" element={guarded(<AllAuditPage />)} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

export function App({ queryClient = makeQueryClient() }: { queryClient?: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </QueryClientProvider>
  );
}
