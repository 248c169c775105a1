// Leaving a register (lock, another register opened): forgets everything the screens held about its residents.
import { getState, setState } from '../store.js';
import { forgetHierarchy } from './basics.js';
import { emptyHouseholds, forgetHouseholds } from './households.js';
import { emptyActivities, forgetActivities } from './activities.js';
import { emptyImport, forgetImportPreview } from './import.js';
import { emptyCare, forgetCare } from './care.js';

/**
 * Forgets what showed residents (households, a household, activities and sign-ups, the places' heads, an import
 * preview, the care list) when the register is locked or another one opens; answers still on their way are dropped,
 * so none of it comes back. A running import keeps its progress (it goes on in the core).
 */
export function forgetRegisterData() {
  forgetHouseholds();
  forgetHierarchy();
  forgetActivities();
  forgetImportPreview();
  forgetCare();
  const { running, progress } = getState().importer ?? emptyImport();
  setState({
    households: emptyHouseholds(),
    household: null,
    hierarchy: null,
    activities: emptyActivities(),
    activity: null,
    importer: { ...emptyImport(), running, progress },
    care: emptyCare(),
  });
}
