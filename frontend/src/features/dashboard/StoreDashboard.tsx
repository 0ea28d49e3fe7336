import { lazy, Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Loading } from "../../components/common/states";
import { InventoryPanel } from "./InventoryPanel";
import { ListingsPanel, ReplenishmentPanel } from "./PlanningPanels";
import { SyncStatusBar } from "./SyncStatusBar";

// The charting library is only loaded with the orders panel, keeping it out of the main chunk.
const OrdersPanel = lazy(() => import("./OrdersPanel"));

export function StoreDashboard({ storeId, region }: { storeId: string; region: string }) {
  const { t } = useTranslation();
  return (
    <div className="dashboard">
      <SyncStatusBar storeId={storeId} region={region} />
      <InventoryPanel storeId={storeId} region={region} />
      <Suspense fallback={<Loading label={t("orders.title")} />}>
        <OrdersPanel storeId={storeId} region={region} />
      </Suspense>
      <ReplenishmentPanel storeId={storeId} region={region} />
      <ListingsPanel storeId={storeId} region={region} />
    </div>
  );
}
