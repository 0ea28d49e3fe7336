import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Loading } from "../../components/common/states";
import { InventoryPanel } from "./InventoryPanel";
import { ListingsPanel, ReplenishmentPanel } from "./PlanningPanels";
import { SyncStatusBar } from "./SyncStatusBar";

// The charting library is only loaded with the orders panel, keeping it out of the main chunk.
const OrdersPanel = lazy(() => import("./OrdersPanel"));

export function StoreDashboard({
  storeId,
  region,
  role,
  marketplaces,
}: {
  storeId: string;
  region: string;
  role: string;
  marketplaces: string[];
}) {
  const { t } = useTranslation();
  const props = { storeId, region, role };
  return (
    <div className="dashboard">
      <SyncStatusBar {...props} />
      <InventoryPanel {...props} marketplaces={marketplaces} />
      <ReplenishmentPanel {...props} />
      <Suspense fallback={<Loading label={t("orders.title")} />}>
        <OrdersPanel {...props} />
      </Suspense>
      <ListingsPanel {...props} />
    </div>
  );
}
