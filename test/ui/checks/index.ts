import type { UiCheck } from '../check';
import { showOutputFromPalette } from './show-output';

/**
 * All UI checks, run in this order, each in a fresh server, browser and workspace.
 * Add new ones here (Exec Selection via palette, context menu and keybinding; Problems panel).
 */
export const CHECKS: UiCheck[] = [showOutputFromPalette];
