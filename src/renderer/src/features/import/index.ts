/** The Import feature: bring a phone's history into the store. */
export { ImportSection } from './ImportSection';
