import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useTranslation } from "react-i18next";
import i18n from "../../i18n";
import { LanguageSwitch } from "./LanguageSwitch";

function Probe() {
  const { t } = useTranslation();
  return <h1>{t("stores.title")}</h1>;
}

describe("LanguageSwitch", () => {
  afterEach(() => i18n.changeLanguage("en"));

  it("switches to Simplified Chinese, remembers it, and switches back", async () => {
    render(
      <>
        <LanguageSwitch />
        <Probe />
      </>,
    );
    expect(screen.getByRole("heading")).toHaveTextContent("Your stores");
    await userEvent.selectOptions(screen.getByTestId("language-switch"), "zh-CN");
    expect(screen.getByRole("heading")).toHaveTextContent("我的店铺");
    expect(localStorage.getItem("minthub.language")).toBe("zh-CN");
    expect(document.documentElement.lang).toBe("zh-CN");
    await userEvent.selectOptions(screen.getByTestId("language-switch"), "en");
    expect(screen.getByRole("heading")).toHaveTextContent("Your stores");
  });
});
