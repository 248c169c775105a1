// Turns any error into text for the user and reports it in the toast.
import { t } from '../i18n.js';
import { toast } from './toast.js';

/** The backend's own message (already Chinese), or a generic sentence; never "[object Object]". */
export function errorText(error) {
  if (error && typeof error.message === 'string' && error.message.trim() !== '') return error.message;
  if (typeof error === 'string' && error.trim() !== '') return error;
  return t('error.unknown');
}

export function reportError(error) {
  toast(errorText(error), 'error');
}
