"""The LMS administrator's kit and the Open Badges 3.0 achievement of each bundle.

Layout (build/lms/ and build/badges/; a variant's under lms/<variant>/ and badges/<variant>/):
  lms/<bundle>/moodle-competencies-<framework>.csv   Moodle's competency framework importer (one framework each)
  lms/<bundle>/totara-competencies-<framework>.csv   Totara's HR Import competency source
  lms/<bundle>/canvas-outcomes.csv                   Canvas's outcomes import
  lms/<bundle>/lms-setup.html, lms-setup.md          the setup sheet an administrator follows
  badges/<bundle>.json                               the OB 3.0 Achievement
  badges/<bundle>.svg                                its badge image
  badges/<bundle>.credential-template.json           an unsigned AchievementCredential with sample values

`plan.plan_kit` decides everything from the catalogue and the one coverage model; the other modules only
render what it decided; `output` gathers the files of a view for the build to stage.
"""
