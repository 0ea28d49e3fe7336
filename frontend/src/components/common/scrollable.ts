/**
 * Props for a horizontally scrollable wrapper (wide tables): keyboard users can focus it and
 * scroll with the arrow keys, and screen readers announce it by the table's name.
 */
export function scrollable(label: string) {
  return { tabIndex: 0, role: "region", "aria-label": label } as const;
}
