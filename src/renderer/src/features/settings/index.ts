/** The Settings feature. */
export { SettingsSection } from './SettingsSection';
