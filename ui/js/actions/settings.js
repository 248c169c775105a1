// The settings page's changes: the community's name, the places (网格, 楼栋, 单元), the volunteer number prefix and
// the certificate's issuer.
import * as api from '../api.js';

export const setCommunityName = (name) => api.setCommunityName(name);
// Each resolves with the saved place's id.
export const saveGrid = (input) => api.saveGrid(input);
export const saveBuilding = (input) => api.saveBuilding(input);
export const saveUnit = (input) => api.saveUnit(input);

/** The volunteer number prefix and the certificate issuer. */
export const volunteerSettings = () => api.volunteerSettings();
export const setVolunteerPrefix = (prefix) => api.setVolunteerPrefix(prefix);
export const saveCertificateIssuer = (issuer) => api.saveCertificateIssuer(issuer);
