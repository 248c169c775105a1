// 书记项目: the list, one project with its milestones, saving, completing a milestone.
import * as api from '../api.js';

export const listProjects = () => api.listProjects();
export const getProject = (id) => api.getProject(id);
/** Saves a project with its milestones; resolves with the id. */
export const saveProject = (input) => api.saveProject(input);
export const completeMilestone = (milestoneId, date = null) => api.completeMilestone(milestoneId, date);
