//! 书记项目: projects with one owner, a timetable and milestones.
