import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import en from "./locales/en.json";
import zhCN from "./locales/zh-CN.json";

type Tree = { [key: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}
const base = (list: string[]) => new Set(list.map((k) => k.replace(PLURAL, "")));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "client" || name === "test" ? [] : sources(path);
    return /\.tsx?$/.test(name) && !name.includes(".test.") ? [path] : [];
  });
}

describe("i18n catalogues", () => {
  it("en and zh-CN have the same keys (plural forms aside)", () => {
    expect([...base(keys(zhCN))].sort()).toEqual([...base(keys(en))].sort());
  });

  it("no translation is empty", () => {
    for (const tree of [en, zhCN]) {
      const walk = (t: Tree): string[] => Object.values(t).flatMap((v) => (typeof v === "string" ? [v] : walk(v)));
      expect(walk(tree).filter((s) => !s.trim())).toEqual([]);
    }
  });

  it("every literal key used in the code exists in the catalogues", () => {
    const known = base(keys(en));
    const used = new Set<string>();
    for (const file of sources(join(__dirname, ".."))) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bt\("([a-zA-Z][\w.]*\.[\w.]+)"/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
  });
});
