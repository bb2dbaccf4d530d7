/**
 * The bounds of the settings that set the sandbox's caps. VS Code does not enforce a settings
 * schema's bounds, and the caps are part of the sandbox promise: whatever a settings file says,
 * they stay within these. No `vscode` import.
 */
const LIMITS = {
  timeoutSeconds: { fallback: 60, min: 0, max: 24 * 3600 },
  memoryLimitMb: { fallback: 1024, min: 64, max: 4096 },
  maxOutputBytes: { fallback: 10 * 2 ** 20, min: 1024, max: 100 * 2 ** 20 },
} as const;

/** A setting with bounds. */
export type LimitedSetting = keyof typeof LIMITS;

/** The bounds of a setting, and its value when it has none (the CLI's options take the same). */
export function settingBounds(key: LimitedSetting): { readonly fallback: number; readonly min: number; readonly max: number } {
  return LIMITS[key];
}

/** `value` within the setting's bounds; its default when it is not a number. */
export function limitSetting(key: LimitedSetting, value: unknown): number {
  const { fallback, min, max } = LIMITS[key];
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
