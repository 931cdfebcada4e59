/** Types for licenses.mjs (plain JS so the build runs it without a compile step). */
import type { LicenseEntry } from '../src/shared/settings-types';
export declare function licenseOf(pkg: Record<string, unknown>): string;
export declare function collectLicenses(root: string): LicenseEntry[];
