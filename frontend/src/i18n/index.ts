import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import zhCN from "./locales/zh-CN.json";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = "minthub.language";

function initialLanguage(): Language {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem(STORAGE_KEY) : null;
  if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  const browser = typeof navigator !== "undefined" ? navigator.language : "en";
  return browser.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, "zh-CN": { translation: zhCN } },
  lng: initialLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});

function syncDocument(lng: string): void {
  if (typeof document !== "undefined") document.documentElement.lang = lng;
}
syncDocument(i18n.language);
i18n.on("languageChanged", (lng) => {
  syncDocument(lng);
  if (typeof localStorage !== "undefined") localStorage.setItem(STORAGE_KEY, lng);
});

export default i18n;
