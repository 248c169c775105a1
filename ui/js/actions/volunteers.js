// Volunteers and their organisations (两新组织): the DB-dependent choices, lists, one record, saving, leaving.
import * as api from '../api.js';

/** Lines, organisation kinds, offered-service suggestions and the organisations (register-dependent). */
export const volunteerOptions = () => api.volunteerOptions();
export const listVolunteers = (filter) => api.listVolunteers(filter);
export const getVolunteer = (id) => api.getVolunteer(id);
/** Saves a volunteer; resolves with the id. */
export const saveVolunteer = (input) => api.saveVolunteer(input);
export const leaveVolunteer = (id, date = null) => api.leaveVolunteer(id, date);

export const listOrganisations = () => api.listOrganisations();
export const getOrganisation = (id) => api.getOrganisation(id);
/** Saves an organisation; resolves with the id. */
export const saveOrganisation = (input) => api.saveOrganisation(input);
