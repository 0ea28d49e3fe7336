import { useTranslation } from "react-i18next";
import { AuditPage } from "../features/audit/AuditPage";

export default function AllAuditPage() {
  const { t } = useTranslation();
  return (
    <main id="main">
      <h1>{t("audit.allTitle")}</h1>
      <AuditPage />
    </main>
  );
}
